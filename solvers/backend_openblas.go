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

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	blasnetlib "gonum.org/v1/netlib/blas/netlib"
	lapacknetlib "gonum.org/v1/netlib/lapack/netlib"
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
func init() {
	blas64.Use(blasnetlib.Implementation{})
	lapack64.Use(lapacknetlib.Implementation{})
	// "svd" and "ridge-svd" call LAPACK directly, column-major (svd_openblas.go).
	svdLapack, svdSquareLower = svdColMajor{}, true
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
