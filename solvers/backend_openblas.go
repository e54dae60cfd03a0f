//go:build openblas

package solvers

// The OpenBLAS backend, built only with -tags openblas: gonum's BLAS and
// LAPACK calls go to the C libraries OpenBLAS and LAPACKE through the cgo
// bindings of gonum.org/v1/netlib. It needs cgo and, on Debian, the packages
// libopenblas-dev and liblapacke-dev (make install-openblas). The link flags
// are set below, so no CGO_LDFLAGS is needed: the netlib packages declare
// none of their own. Debian's LAPACKE calls liblapack.so.3, which the
// alternatives system points at OpenBLAS's LAPACK once libopenblas0 is
// installed (update-alternatives --display liblapack.so.3-x86_64-linux-gnu).

/*
#cgo LDFLAGS: -lopenblas -llapacke

// From OpenBLAS's cblas.h, declared here so that no header is needed.
char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	blasnetlib "gonum.org/v1/netlib/blas/netlib"

	"github.com/minnorm/lstsq/internal/fastblas"
)

// init installs OpenBLAS as gonum's BLAS (blas64.Use) and OpenBLAS's LAPACK,
// through LAPACKE, as gonum's LAPACK (lapack64.Use).
//
// The effect is global and lasts for the whole program: every package of the
// binary that calls gonum's blas64, lapack64 or mat (not only this one) then
// runs on OpenBLAS, from before main starts. blas64.Use and lapack64.Use are
// not synchronized, which is why this happens in init; a program that calls
// them again later replaces this backend for everyone. The solvers' results
// stay within the same accuracy bounds as in the pure-Go build (the property
// suite holds with either), but they are not bitwise identical to it, and
// OpenBLAS's threaded kernels may round differently with the thread count
// (OPENBLAS_NUM_THREADS).
//
// One routine is not OpenBLAS's: Dgemv, the matrix–vector product the
// iterative solvers spend their time in, is internal/fastblas's (AVX2/FMA
// kernels, split between the cores by helper goroutines), which was faster
// than OpenBLAS's dgemv on every shape measured (BenchmarkMinNorm, lsqr and
// lsmr: see openBLAS). LAPACK's own calls inside OpenBLAS are unaffected.
func init() {
	blas64.Use(openBLAS{})
	lapack64.Use(obLapack{})
	// "svd" and "ridge-svd" call LAPACK directly, column-major (svd_openblas.go).
	svdLapack, svdSquareLower = svdColMajor{}, true
}

// openBLAS is OpenBLAS's BLAS with fastblas's Dgemv. Measured before the
// change (2026-11-27, run B of README "Performance", 2 threads), lsqr and
// lsmr took 0.53 s with OpenBLAS's dgemv against 0.36–0.41 s in the pure-Go
// build at n = p = 1000, 7.0–7.3 s against 4.7–6.2 s at 2000², and
// 0.047–0.067 s against 0.039–0.045 s on the rectangular shapes.
type openBLAS struct {
	blasnetlib.Implementation
}

// Dgemv is fastblas.Implementation.Dgemv (same arguments, same checks).
func (openBLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	fastblas.Implementation{}.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Backend names the linear-algebra backend under the solvers in this build:
// "openblas" here, "gonum" in the default pure-Go build (backend.go).
// Benchmarks print it to label their results.
func Backend() string { return "openblas" }

// openBLASInfo describes the OpenBLAS library in use: its build
// configuration, the kernel it chose for this CPU (OPENBLAS_CORETYPE forces
// one) and its thread count.
func openBLASInfo() string {
	return fmt.Sprintf("%s; core %s; %d threads",
		C.GoString(C.openblas_get_config()), C.GoString(C.openblas_get_corename()),
		int(C.openblas_get_num_threads()))
}
