package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Normal is the "normal" solver: the minimum-norm least-squares solution of a
// full-rank n×p X from the Cholesky factorization of its m×m Gram matrix,
// m = min(n, p),
//
//	n ≥ p:  XᵀX = RᵀR,  w = (XᵀX)⁻¹·Xᵀy       (the normal equations),
//	n < p:  XXᵀ = RᵀR,  w = Xᵀ·(XXᵀ)⁻¹·y      (the seminormal equations).
//
// Forming the Gram matrix (one symmetric rank-k update, n·p·m flops) is the
// cheapest way to reach X⁺y, and the only one of the direct solvers whose
// cost is dominated by a matrix product; but it squares the condition number:
// the relative error of w is about κ²·u, with κ = κ₂(X) and u = 2⁻⁵³, against
// κ·u for QR, and Cholesky breaks down once κ²·u ≳ 1.
//
// # Refusal rule
//
// Normal refuses, with an error wrapping ErrIllConditioned, when the Cholesky
// factorization fails (the Gram matrix is not numerically positive definite,
// as for every rank-deficient X) or when
//
//	κ̂₁(G)·u > √u,  that is  rĉond₁(G) < √u ≈ 1.05·10⁻⁸,
//
// where G is the Gram matrix and rĉond₁(G) = 1/κ̂₁(G) is LAPACK's xPOCON
// estimate from the Cholesky factor (Hager–Higham estimator, within a small
// factor of the true κ₁ in practice: Higham, Accuracy and Stability of
// Numerical Algorithms, 2002, ch. 15), computed with plain triangular
// solves where xPOCON scales them against overflow; an overflow there
// counts as κ̂₁ = ∞. So Normal answers only while the normal
// equations still deliver about half of the digits. Since κ₂(G) = κ₂(X)² and
// κ₂(G)/m ≤ κ₁(G) ≤ m·κ₂(G), it always answers when κ₂(X) ≤ u^(−1/4)/√m and
// refuses once κ₂(X) ≳ √(3m)·u^(−1/4), u^(−1/4) ≈ 9.7·10³: its error, about
// κ²·u, stays below about 3m·√u whenever it answers.
//
// Normal implements MultiSolver and Reporter (Cond = √κ̂₁(G), an estimate of
// κ₂(X) within a factor of about √m).
type Normal struct{ cfg config }

// NewNormal returns the "normal" solver. It accepts no options.
func NewNormal(opts ...Option) *Normal { return &Normal{cfg: newConfig(0, opts)} }

// Name returns "normal".
func (s *Normal) Name() string { return "normal" }

// Solve returns X⁺y, or an error wrapping ErrIllConditioned.
func (s *Normal) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the condition estimate.
func (s *Normal) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// SolveMany returns the p×k matrix X⁺Y from one Cholesky factorization.
func (s *Normal) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		W, _, err := s.minNorm(a.RawMatrix(), b.RawMatrix())
		return W, err
	})
}

func (s *Normal) core(t *task) (*mat.VecDense, Report, error) {
	n := t.y.Len()
	W, rep, err := s.minNorm(t.X.RawMatrix(), blas64.General{Rows: n, Cols: 1, Stride: 1, Data: t.y.RawVector().Data})
	if err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(W.RawMatrix().Rows, W.RawMatrix().Data), rep, nil
}

// normalMinRCond is the refusal threshold √u on the estimated reciprocal
// condition number of the Gram matrix.
var normalMinRCond = math.Sqrt(0x1p-53)

// minNorm returns the p×m matrix X⁺B for the n×m B; it modifies neither.
func (s *Normal) minNorm(A, b blas64.General) (*mat.Dense, Report, error) {
	n, p, m := A.Rows, A.Cols, b.Cols
	k := min(n, p)
	tall := n >= p

	// G = XᵀX or XXᵀ, upper triangle.
	G := blas64.Symmetric{N: k, Stride: k, Data: make([]float64, k*k), Uplo: blas.Upper}
	if tall {
		blas64.Syrk(blas.Trans, 1, A, 0, G)
	} else {
		blas64.Syrk(blas.NoTrans, 1, A, 0, G)
	}
	anorm := lapack64.Lansy(lapack.MaxColumnSum, G, make([]float64, k))
	R, ok := lapack64.Potrf(G)
	if !ok {
		return nil, Report{}, refusal(s.Name(), ErrIllConditioned,
			"the Cholesky factorization of the Gram matrix failed: X is rank-deficient or κ(X)²·u ≳ 1; use qr, svd or cod")
	}
	rcond := gramRCond(R, anorm)
	rep := Report{Cond: math.Sqrt(1 / rcond)}
	if !(rcond >= normalMinRCond) {
		return nil, rep, refusal(s.Name(), ErrIllConditioned,
			"estimated κ(XᵀX) = %.3g exceeds 1/√u = %.3g: the normal equations would lose more than half the digits; use qr, svd or cod",
			1/rcond, 1/normalMinRCond)
	}

	out := mat.NewDense(p, m, nil)
	W := out.RawMatrix()
	if tall {
		// W = (RᵀR)⁻¹·XᵀB.
		mulTransTo(W, gramX{A, 1}, b)
		lapack64.Potrs(R, W)
		return out, rep, nil
	}
	// W = Xᵀ·(RᵀR)⁻¹·B.
	c := blas64.General{Rows: n, Cols: m, Stride: m, Data: make([]float64, n*m)}
	for i := 0; i < n; i++ {
		copy(c.Data[i*m:(i+1)*m], b.Data[i*b.Stride:i*b.Stride+m])
	}
	lapack64.Potrs(R, c)
	mulTransTo(W, gramX{A, 1}, c)
	return out, rep, nil
}

// gramRCond returns 1/κ̂₁(G) for the symmetric positive definite m×m
// G = UᵀU, given its Cholesky factor U and ‖G‖₁: the Hager–Higham estimate
// of ‖G⁻¹‖₁ (LAPACK's Dlacn2, a lower bound of it) times ‖G‖₁, as LAPACK's
// Dpocon computes it, whose triangular solves Dlatrs guards against
// overflow with a slow column-by-column scaling. Here the solves are plain
// (Dtrsv): G comes from scaled data (max|X_ij| < 1), and a solve whose
// result is not finite can only mean κ₁(G) beyond any threshold, so it
// returns 0 (κ̂ = ∞). Otherwise the estimate is Dpocon's up to rounding.
func gramRCond(u blas64.Triangular, anorm float64) float64 {
	m := u.N
	if anorm == 0 {
		return 0
	}
	var (
		impl  gonum.Implementation
		est   float64
		kase  int
		isave [3]int
		v     = make([]float64, m)
		x     = blas64.Vector{N: m, Inc: 1, Data: make([]float64, m)}
		isgn  = make([]int, m)
	)
	for {
		est, kase = impl.Dlacn2(m, v, x.Data, isgn, est, kase, &isave)
		if kase == 0 {
			if est == 0 {
				return 0
			}
			return (1 / est) / anorm
		}
		// x ← G⁻¹·x = U⁻¹·U⁻ᵀ·x (G⁻¹ is symmetric: kase 1 and 2 alike).
		blas64.Trsv(blas.Trans, u, x)
		blas64.Trsv(blas.NoTrans, u, x)
		if _, bad := maxAbsFinite(x.Data); bad >= 0 {
			return 0
		}
	}
}
