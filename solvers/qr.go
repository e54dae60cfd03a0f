package solvers

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// QR is the "qr" solver: the minimum-norm least-squares solution of a
// full-rank n×p X from one unpivoted Householder factorization,
//
//	n ≥ p:  X = Q·[R; 0],  w = R⁻¹·(Qᵀy)₁   (R p×p upper triangular),
//	n < p:  X = [L 0]·Q,   w = Qᵀ·[L⁻¹y; 0]  (L n×n lower triangular),
//
// the QR for tall and square X and the LQ for wide X, as LAPACK's xGELS does.
// It costs O(n·p·min(n, p)) flops, about half an SVD's.
//
// # Refusal rule
//
// The method is correct only when X has full rank: a rank-deficient tall X
// has many least-squares solutions and R⁻¹ picks one that is not the one of
// minimum norm, and a rank-deficient wide X has no interpolating solution.
// So QR refuses, with an error wrapping ErrIllConditioned, when the
// triangular factor T (R or L, m×m with m = min(n, p), whose singular values
// are those of X up to the backward error) is numerically singular:
//
//	refuse when  rĉond(T) ≤ ε·max(n, p)·m,  ε = 2⁻⁵²,
//
// where rĉond(T) = min(1/κ̂₁(T), 1/κ̂∞(T)) is LAPACK's xTRCON estimate of the
// reciprocal condition number in the 1- and ∞-norms (Hager–Higham estimator;
// Higham, Accuracy and Stability of Numerical Algorithms, 2002, ch. 15: a lower
// bound on κ, in practice within a factor 3 of it), or when a diagonal entry
// of T is exactly zero. The rule is consistent with the "svd" cut-off
// σ_min ≤ ε·max(n, p)·σ₁: since κ₁(T) ≥ κ₂(T)/m for an m×m matrix, every X
// that "svd" would truncate has rcond₁(T) ≤ ε·max(n, p)·m and is refused (up
// to the estimator's accuracy). The factor m makes QR refuse somewhat earlier
// than "svd" truncates, at κ₂ ≳ 1/(ε·max(n, p)·m); there the relative error
// bound κ·u·max(n, p) is already near 1/m.
//
// # Accuracy
//
// Householder QR and LQ are backward stable: the relative error of w is about
// κ·u for a consistent or underdetermined problem and u·(κ + κ²‖r‖/(‖X‖‖w‖))
// with a residual r, where κ = κ₂(X) and u = 2⁻⁵³.
//
// QR implements MultiSolver and Reporter (Cond = 1/rĉond(T), an estimate of
// κ₂(X) within a factor of about m).
type QR struct{ cfg config }

// NewQR returns the "qr" solver. It accepts no options.
func NewQR(opts ...Option) *QR { return &QR{cfg: newConfig(0, opts)} }

// Name returns "qr".
func (s *QR) Name() string { return "qr" }

// Solve returns X⁺y for a full-rank X, or an error wrapping ErrIllConditioned.
func (s *QR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the condition estimate.
func (s *QR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// SolveMany returns the p×k matrix X⁺Y from one factorization of a full-rank X.
func (s *QR) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		W, _, err := s.minNorm(a, b.RawMatrix())
		return W, err
	})
}

func (s *QR) core(t *task) (*mat.VecDense, Report, error) {
	n := t.y.Len()
	W, rep, err := s.minNorm(t.X, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: t.y.RawVector().Data})
	if err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(W.RawMatrix().Rows, W.RawMatrix().Data), rep, nil
}

// minNorm returns the p×m matrix X⁺B for the n×m B, overwriting a and b.
func (s *QR) minNorm(a *mat.Dense, b blas64.General) (*mat.Dense, Report, error) {
	A := a.RawMatrix()
	n, p, m := A.Rows, A.Cols, b.Cols
	k := min(n, p)
	tall := n >= p
	tau := make([]float64, k)
	out := mat.NewDense(p, m, nil)
	V := out.RawMatrix()

	query := []float64{0}
	lwork := 3 * k // Trcon
	if tall {
		lapack64.Geqrf(A, tau, query, -1)
		lwork = max(lwork, int(query[0]))
		lapack64.Ormqr(blas.Left, blas.Trans, A, tau, b, query, -1)
	} else {
		lapack64.Gelqf(A, tau, query, -1)
		lwork = max(lwork, int(query[0]))
		lapack64.Ormlq(blas.Left, blas.Trans, A, tau, V, query, -1)
	}
	lwork = max(lwork, int(query[0]))
	work := make([]float64, lwork)

	T := blas64.Triangular{N: k, Stride: A.Stride, Data: A.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
	if tall {
		lapack64.Geqrf(A, tau, work, lwork)
	} else {
		lapack64.Gelqf(A, tau, work, lwork)
		T.Uplo = blas.Lower
	}

	// The refusal rule.
	for i := 0; i < k; i++ {
		if A.Data[i*A.Stride+i] == 0 {
			return nil, Report{}, refusal(s.Name(), ErrIllConditioned,
				"X is rank-deficient (zero on the diagonal of its triangular factor); use svd or cod")
		}
	}
	iwork := make([]int, k)
	rcond := min(lapack64.Trcon(lapack.MaxColumnSum, T, work, iwork), lapack64.Trcon(lapack.MaxRowSum, T, work, iwork))
	rep := Report{Cond: 1 / rcond}
	if limit := qrMinRCond(n, p); !(rcond > limit) {
		return nil, rep, refusal(s.Name(), ErrIllConditioned,
			"X is numerically rank-deficient: estimated 1/κ of its triangular factor %.3g ≤ ε·max(n, p)·min(n, p) = %.3g; use svd or cod", rcond, limit)
	}

	if tall {
		// w = R⁻¹·(Qᵀ·B)₁.
		lapack64.Ormqr(blas.Left, blas.Trans, A, tau, b, work, lwork)
		for i := 0; i < p; i++ {
			copy(V.Data[i*V.Stride:i*V.Stride+m], b.Data[i*b.Stride:i*b.Stride+m])
		}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, T, V)
		return out, rep, nil
	}
	// w = Qᵀ·[L⁻¹·B; 0].
	blas64.Trsm(blas.Left, blas.NoTrans, 1, T, b)
	for i := 0; i < n; i++ {
		copy(V.Data[i*V.Stride:i*V.Stride+m], b.Data[i*b.Stride:i*b.Stride+m])
	}
	lapack64.Ormlq(blas.Left, blas.Trans, A, tau, V, work, lwork)
	return out, rep, nil
}

// qrMinRCond is the refusal threshold ε·max(n, p)·min(n, p) on the estimated
// reciprocal condition number of the triangular factor.
func qrMinRCond(n, p int) float64 { return svdDefaultRCond(n, p) * float64(min(n, p)) }
