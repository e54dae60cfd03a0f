//go:build openblas

package solvers

/*
#include <lapacke.h>
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	lapacknetlib "gonum.org/v1/netlib/lapack/netlib"
)

// obLapack is the openblas build's LAPACK: netlib's binding to OpenBLAS's
// LAPACK, with the Cholesky factorization and solve called column-major.
// netlib binds LAPACKE's row-major interface, which copies the n×n matrix
// into a column-major buffer and back on every call. A symmetric matrix
// needs no copy: the row-major storage of its upper triangle U (A = UᵀU) is
// byte for byte the column-major storage of the lower triangle L = Uᵀ
// (A = L·Lᵀ), so xPOTRF with the other triangle's letter computes the same
// factor in place.
type obLapack struct {
	lapacknetlib.Implementation
}

// Dpotrf is netlib's Dpotrf called column-major with the other triangle
// (see obLapack): the same arguments, panics and result.
func (impl obLapack) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) bool {
	if (ul != blas.Upper && ul != blas.Lower) || n <= 0 || lda < n || len(a) < (n-1)*lda+n {
		return impl.Implementation.Dpotrf(ul, n, a, lda) // its checks and its quick return
	}
	info := C.LAPACKE_dpotrf_work(C.LAPACK_COL_MAJOR, obOther(ul), C.lapack_int(n), svdPtr(a), C.lapack_int(lda))
	if info < 0 {
		svdInfo("DPOTRF", info)
	}
	return info == 0
}

// Dpotrs solves A·X = B with the factor of Dpotrf. One right-hand side
// stored contiguously (ldb = 1) is a column-major vector as it is, and goes
// to xPOTRS column-major with the other triangle; any other B goes to
// netlib's row-major call.
func (impl obLapack) Dpotrs(ul blas.Uplo, n, nrhs int, a []float64, lda int, b []float64, ldb int) {
	if nrhs != 1 || ldb != 1 || (ul != blas.Upper && ul != blas.Lower) || n <= 0 || lda < n ||
		len(a) < (n-1)*lda+n || len(b) < n {
		impl.Implementation.Dpotrs(ul, n, nrhs, a, lda, b, ldb)
		return
	}
	svdInfo("DPOTRS", C.LAPACKE_dpotrs_work(C.LAPACK_COL_MAJOR, obOther(ul), C.lapack_int(n), 1,
		svdPtr(a), C.lapack_int(lda), svdPtr(b), C.lapack_int(n)))
}

// obOther returns the LAPACK letter of the triangle opposite ul.
func obOther(ul blas.Uplo) C.char {
	if ul == blas.Upper {
		return 'L'
	}
	return 'U'
}
