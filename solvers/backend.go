//go:build !openblas

package solvers

// Backend names the linear-algebra backend under the solvers in this build:
// "gonum" in the default, pure-Go build (gonum's own BLAS and LAPACK, no
// cgo), "openblas" in a build with -tags openblas (see backend_openblas.go).
// Benchmarks print it to label their results.
func Backend() string { return "gonum" }
