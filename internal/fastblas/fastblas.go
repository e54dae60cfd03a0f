package fastblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's pure-Go BLAS with Dgemm, Dsyrk, Dtrsm, Dtrmm,
// Dgemv, Dtrsv and Dtrmv replaced by the blocked, parallel versions of this
// package (see the package documentation). The zero value is ready to use and safe for
// concurrent use.
type Implementation struct {
	gonum.Implementation
}

var _ blas.Float64 = Implementation{}

// delegateSkinny sends products with m ≤ 2 or k = 1 to gonum's Dgemm.
// Tests switch it off to exercise the packed path on those shapes too.
var delegateSkinny = true

// Install makes Implementation the BLAS used by gonum's blas64, mat and
// lapack packages for the rest of the program. It is a global side effect
// and is not synchronized: call it before any goroutine uses gonum. The
// previous implementation is blas64.Implementation() before the call; gonum's
// default is gonum.Implementation{}.
func Install() {
	blas64.Use(Implementation{})
}

// Dgemm performs one of the matrix-matrix operations
//
//	C = alpha·A·B + beta·C
//	C = alpha·Aᵀ·B + beta·C
//	C = alpha·A·Bᵀ + beta·C
//	C = alpha·Aᵀ·Bᵀ + beta·C
//
// where op(A) is m×k, op(B) is k×n and C is m×n, all row-major with leading
// dimensions lda, ldb and ldc. It panics on the same invalid arguments, with
// the same messages, as gonum.Implementation.Dgemm. As in the reference BLAS,
// C is not read when beta = 0, and A and B are not read when alpha = 0.
func (impl Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	// With alpha = 0 and beta = 1 gonum checks every argument and then
	// returns without touching C, so the checks are exactly its own.
	impl.Implementation.Dgemm(tA, tB, m, n, k, 0, a, lda, b, ldb, 1, c, ldc)
	if m == 0 || n == 0 || ((alpha == 0 || k == 0) && beta == 1) {
		return
	}
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	if delegateSkinny && (m < 3 || k < 2) {
		// Packing the k×n B costs as much as the product when m ≤ 2 or
		// k = 1, where gonum's unpacked loops are faster (measured).
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	aTrans := tA != blas.NoTrans
	bTrans := tB != blas.NoTrans
	gemm(aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
