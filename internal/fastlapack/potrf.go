package fastlapack

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// potrfBase is the order at or below which Dpotrf hands the factorization
// to gonum's blocked Dpotrf, whose block operations are too small there
// for the recursion to pay. Measured (BenchmarkDpotrf, 2 threads, 4 runs
// each, noisy; the copy of the input outside the timing): 128 and 256 gave
// 11.8–12.8 and 11.1–12.2 ms at n = 1000 and 66–74 and 67–75 ms at n = 2000,
// against gonum's Dpotrf at 14–17 and 80–99 ms; 64 was slower in an earlier
// run that timed the copy too.
const potrfBase = 256

// Dpotrf computes the Cholesky factorization A = Uᵀ·U (ul == blas.Upper)
// of the n×n symmetric positive definite A, overwriting A's upper triangle
// with U, as gonum's Dpotrf does, and reports whether A was numerically
// positive definite (false: a pivot was not positive or not a number; A is
// then partly overwritten). ul == blas.Lower goes to gonum's Dpotrf.
//
// For n > potrfBase it recurses on the 2×2 block partition with n₁ = n/2 (rounded
// to a multiple of 8) and n₂ = n − n₁ (Gustavson, "Recursion leads to
// automatic variable blocking for dense linear-algebra algorithms", IBM J.
// Res. Dev. 41, 1997; Ahmed and Pingali, Euro-Par 2000):
//
//	U₁₁ = chol(A₁₁),  U₁₂ = U₁₁⁻ᵀ·A₁₂,  U₂₂ = chol(A₂₂ − U₁₂ᵀ·U₁₂).
//
// Almost all its n³/3 flops are then in Dtrsm and Dsyrk calls of order n/2,
// n/4, …, which blas64's implementation runs in parallel, instead of in the
// thin updates (64 rows) of the left-looking blocked algorithm. The
// arithmetic is the same set of inner products evaluated in another order,
// so the computed factor satisfies the same bound as the standard one,
// Uᵀ·U = A + ΔA with |ΔA| ≤ γ_{n+1}·|Uᵀ|·|U| up to the level-3 BLAS's
// own constants (Higham, "Accuracy and Stability of Numerical Algorithms",
// 2nd ed., Thm. 10.3 and §13.1).
func (impl Implementation) Dpotrf(ul blas.Uplo, n int, a []float64, lda int) bool {
	if ul != blas.Upper || n <= potrfBase {
		return impl.Implementation.Dpotrf(ul, n, a, lda)
	}
	switch {
	case lda < n:
		panic("lapack: bad leading dimension of A")
	case len(a) < (n-1)*lda+n:
		panic("lapack: insufficient length of a")
	}
	return impl.potrfUpper(n, a, lda)
}

func (impl Implementation) potrfUpper(n int, a []float64, lda int) bool {
	if n <= potrfBase {
		return impl.Implementation.Dpotrf(blas.Upper, n, a, lda)
	}
	n1 := n / 2 / 8 * 8
	n2 := n - n1
	if !impl.potrfUpper(n1, a, lda) {
		return false
	}
	bi := blas64.Implementation()
	// A₁₂ ← U₁₁⁻ᵀ·A₁₂ (n₁×n₂, to the right of A₁₁).
	bi.Dtrsm(blas.Left, blas.Upper, blas.Trans, blas.NonUnit, n1, n2, 1, a, lda, a[n1:], lda)
	// A₂₂ ← A₂₂ − U₁₂ᵀ·U₁₂ (its upper triangle).
	bi.Dsyrk(blas.Upper, blas.Trans, n2, n1, -1, a[n1:], lda, 1, a[n1*lda+n1:], lda)
	return impl.potrfUpper(n2, a[n1*lda+n1:], lda)
}
