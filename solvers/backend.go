//go:build !openblas

package solvers

import (
	"os"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/minnorm/lstsq/internal/fastblas"
	"github.com/minnorm/lstsq/internal/fastlapack"
)

// backend is what Backend reports; set once, in init, before any solver runs.
var backend = "gonum"

// init installs the project's level-3 BLAS (internal/fastblas: packed,
// cache-blocked, parallel Dgemm with an AVX2/FMA micro-kernel where the CPU
// has one; Dsyrk, Dtrsm, Dtrmm and Dgemv built on it) under gonum's LAPACK,
// which speeds up every factorization here 2–10× (issue 5). This is a global
// side effect of importing the package: blas64.Use changes the BLAS of every
// gonum user in the program. Set LSTSQ_BLAS=gonum in the environment to keep
// gonum's own BLAS (for comparisons, or if a program must not be affected).
// Results differ from gonum's BLAS in the last bits (another summation order
// and fused multiply-adds) and stay within the same error bounds; they are
// deterministic on a given machine and GOMAXPROCS.
//
// init also installs internal/fastlapack's LAPACK (lapack64.Use), always.
// It is gonum's LAPACK with two kinds of replacement: internal/lapackfix's
// blocked Householder routines (gonum's Dgeqrf, Dgelqf, Dormqr, Dormlq and
// Dormbr compute a wrong block reflector when a reflector ends in exact
// zeros, as sparse designs make them, and "qr", "cod" and "sketch" returned
// wrong answers without warning through them; see lapackfix's package
// documentation), and a recursive Cholesky factorization (Dpotrf) that runs
// on large, parallel Dtrsm and Dsyrk calls. Other users of lapack64 in the
// program get the same routines.
func init() {
	lapack64.Use(fastlapack.Implementation{})
	if os.Getenv("LSTSQ_BLAS") == "gonum" {
		return
	}
	blas64.Use(fastblas.Implementation{})
	backend = "gonum+fastblas"
}

// Backend names the linear-algebra backend under the solvers in this build:
// "gonum+fastblas" in the default, pure-Go build (gonum's LAPACK on the
// project's level-3 BLAS, no cgo), "gonum" when LSTSQ_BLAS=gonum keeps gonum's
// own BLAS, "openblas" in a build with -tags openblas (see
// backend_openblas.go). Benchmarks print it to label their results.
func Backend() string { return backend }
