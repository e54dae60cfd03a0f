package fastblas

import "gonum.org/v1/gonum/blas"

// trsvBlock is the order of the diagonal blocks of Dtrsv and Dtrmv, and
// trsvMin the order of A below which they call gonum's routine directly.
const (
	trsvBlock = 128
	trsvMin   = 256
)

// Dtrsv solves op(A)·x = b for the n-vector x, which overwrites b in x,
// where A is an n×n triangular matrix (triangle ul, unit diagonal if
// d == blas.Unit) and op(A) = A or Aᵀ. It panics on the same invalid
// arguments, with the same messages, as gonum.Implementation.Dtrsv (it
// hands them to it).
//
// For n ≥ 256 and unit stride, A is taken in blocks of 128 rows: each
// diagonal block is solved by gonum's Dtrsv and the rest of its block row
// enters through one Dgemv (this package's: AVX2 and split among the
// processors), so that A streams through memory at Dgemv's speed instead of
// one dot product or axpy per row. It performs the same operations as the
// unblocked substitution up to the order of the sums, and has the same
// backward error bound, |ΔA| ≤ γ_n·|A| (Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., Thm. 8.5: the bound holds for any order of
// the inner products).
func (impl Implementation) Dtrsv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if !blockedTrsv(ul, tA, d, n, a, lda, x, incX) {
		impl.Implementation.Dtrsv(ul, tA, d, n, a, lda, x, incX)
		return
	}
	g := impl.Implementation
	trans := tA != blas.NoTrans
	for b := 0; b < n; b += trsvBlock {
		var i0, i1 int
		forward := (ul == blas.Lower) != trans // op(A) is lower: forward substitution
		if forward {
			i0, i1 = b, min(n, b+trsvBlock)
		} else {
			i0, i1 = max(0, n-b-trsvBlock), n-b
		}
		nb := i1 - i0
		switch {
		case ul == blas.Lower && !trans: // x₁ −= A[i0:i1, :i0]·x[:i0], then solve
			impl.Dgemv(blas.NoTrans, nb, i0, -1, a[i0*lda:], lda, x, 1, 1, x[i0:], 1)
			g.Dtrsv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
		case ul == blas.Upper && !trans: // x₁ −= A[i0:i1, i1:]·x[i1:], then solve
			impl.Dgemv(blas.NoTrans, nb, n-i1, -1, a[i0*lda+i1:], lda, x[i1:], 1, 1, x[i0:], 1)
			g.Dtrsv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
		case ul == blas.Lower: // solve, then x[:i0] −= A[i0:i1, :i0]ᵀ·x₁
			g.Dtrsv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
			impl.Dgemv(blas.Trans, nb, i0, -1, a[i0*lda:], lda, x[i0:], 1, 1, x, 1)
		default: // upper, transposed: solve, then x[i1:] −= A[i0:i1, i1:]ᵀ·x₁
			g.Dtrsv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
			impl.Dgemv(blas.Trans, nb, n-i1, -1, a[i0*lda+i1:], lda, x[i0:], 1, 1, x[i1:], 1)
		}
	}
}

// Dtrmv computes x = op(A)·x for the n×n triangular A (triangle ul, unit
// diagonal if d == blas.Unit), op(A) = A or Aᵀ. It panics on the same
// invalid arguments, with the same messages, as
// gonum.Implementation.Dtrmv. For n ≥ 256 and unit stride it works by
// blocks of 128 rows as Dtrsv does, each off-diagonal block row one Dgemv
// on entries of x not yet overwritten; every entry of the result is the
// same inner product as gonum's, summed in another order.
func (impl Implementation) Dtrmv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) {
	if !blockedTrsv(ul, tA, d, n, a, lda, x, incX) {
		impl.Implementation.Dtrmv(ul, tA, d, n, a, lda, x, incX)
		return
	}
	g := impl.Implementation
	trans := tA != blas.NoTrans
	for b := 0; b < n; b += trsvBlock {
		var i0, i1 int
		// Lower·x and Upperᵀ·x read x above the block: go backward, so that
		// it is still the input; Upper·x and Lowerᵀ·x go forward.
		if (ul == blas.Lower) != trans {
			i0, i1 = max(0, n-b-trsvBlock), n-b
		} else {
			i0, i1 = b, min(n, b+trsvBlock)
		}
		nb := i1 - i0
		switch {
		case ul == blas.Lower && !trans: // x₁ = L₁₁·x₁ + A[i0:i1, :i0]·x[:i0]
			g.Dtrmv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
			impl.Dgemv(blas.NoTrans, nb, i0, 1, a[i0*lda:], lda, x, 1, 1, x[i0:], 1)
		case ul == blas.Upper && !trans: // x₁ = U₁₁·x₁ + A[i0:i1, i1:]·x[i1:]
			g.Dtrmv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
			impl.Dgemv(blas.NoTrans, nb, n-i1, 1, a[i0*lda+i1:], lda, x[i1:], 1, 1, x[i0:], 1)
		case ul == blas.Lower: // x[:i0] += A[i0:i1, :i0]ᵀ·x₁ (x₁ still the input), then x₁ = L₁₁ᵀ·x₁
			impl.Dgemv(blas.Trans, nb, i0, 1, a[i0*lda:], lda, x[i0:], 1, 1, x, 1)
			g.Dtrmv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
		default: // upper, transposed: x[i1:] += A[i0:i1, i1:]ᵀ·x₁, then x₁ = U₁₁ᵀ·x₁
			impl.Dgemv(blas.Trans, nb, n-i1, 1, a[i0*lda+i1:], lda, x[i0:], 1, 1, x[i1:], 1)
			g.Dtrmv(ul, tA, d, nb, a[i0*lda+i0:], lda, x[i0:], 1)
		}
	}
}

// blockedTrsv reports whether Dtrsv and Dtrmv take their blocked path:
// valid arguments (anything else goes to gonum, which panics with its own
// message), n ≥ trsvMin and unit stride.
func blockedTrsv(ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a []float64, lda int, x []float64, incX int) bool {
	return (ul == blas.Lower || ul == blas.Upper) &&
		(tA == blas.NoTrans || tA == blas.Trans || tA == blas.ConjTrans) &&
		(d == blas.Unit || d == blas.NonUnit) &&
		n >= trsvMin && incX == 1 && lda >= n &&
		len(a) >= lda*(n-1)+n && len(x) >= n
}
