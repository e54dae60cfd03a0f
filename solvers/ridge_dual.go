package solvers

import (
	"math"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// RidgeDual is the "ridge-dual" solver: ridge regression through the dual
// (kernel) form. For an n×p X and penalty λ ≥ 0 it computes
//
//	a = (XXᵀ + λI)⁻¹·y,  w_λ = Xᵀ·a,
//
// which equals (XᵀX + λI)⁻¹Xᵀy, by a Cholesky factorization of the n×n matrix
// K = XXᵀ + λI, formed with the symmetric rank-k update (Dsyrk). It costs
// about p·n² flops to form K and n³/3 to factor it, so it is the fast path
// when p ≫ n; when n ≫ p use "ridge-chol".
//
// At λ = 0 and for an X of full row rank (n ≤ p) the answer is the min-norm
// interpolant w* = Xᵀ(XXᵀ)⁻¹y = X⁺y. A tall X (n > p) at λ = 0 has a singular
// K and is always refused; so, for λ > 0 but tiny, is a tall X whose K is
// then too ill-conditioned: κ₂(K) = (σ_max² + λ)/λ when n > p.
//
// # Accuracy and refusal
//
// κ₂(K) = (σ_max² + λ)/(σ_n² + λ) over the n singular values of X (zero when
// n > p), which is κ₂(X)² at λ = 0, and the answer carries a relative error
// of about κ(K)·u. Solve refuses with ErrIllConditioned by the rule
// documented on RidgeChol, applied to K: when the Cholesky factorization
// fails or the estimate κ̂₁(K) exceeds 1/√u ≈ 9.5·10⁷.
//
// As there, the estimate is skipped when κ₁(K) ≤ √n·‖K‖₁/λ already settles
// the rule.
//
// RidgeDual accepts no Options. Its Report gives Cond = √κ̂₁(K) (an estimate
// of κ₂(X) at λ = 0 for a full-row-rank X), or √(‖K‖₁/λ) ≥ √κ₂(K) when the
// estimate was skipped.
type RidgeDual struct {
	lambda float64
	cfg    config
}

// NewRidgeDual returns the "ridge-dual" solver with penalty λ. An invalid λ
// (negative, NaN or +Inf) makes Solve return an error wrapping ErrBadParameter.
func NewRidgeDual(lambda float64, opts ...Option) *RidgeDual {
	return &RidgeDual{lambda: lambda, cfg: newConfig(0, opts)}
}

// Name returns "ridge-dual".
func (s *RidgeDual) Name() string { return "ridge-dual" }

// Solve returns w_λ = Xᵀ(XXᵀ + λI)⁻¹y, or an error.
func (s *RidgeDual) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeDual) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

// SolveMany factors K = XXᵀ + λI once and returns the p×k matrix W whose
// column j is w_λ for column j of the n×k matrix Y. It refuses as Solve does.
func (s *RidgeDual) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	Ws, err := ridgeManyScaled(s.Name(), &s.cfg, []float64{s.lambda}, X, Y, "Y",
		func(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, error) {
			W, _, err := ridgeByDualCholesky(s.Name(), gramX{X.RawMatrix(), 1}, Y, lambdas[0])
			return []*mat.Dense{W}, err
		})
	if err != nil {
		return nil, err
	}
	return Ws[0], nil
}

func (s *RidgeDual) core(t *task) (*mat.VecDense, Report, error) {
	W, rep, err := ridgeByDualCholesky(s.Name(), t.gram(), ridgeColumnOf(t.y), t.lambda)
	if err != nil {
		return nil, rep, err
	}
	return mat.VecDenseCopyOf(W.ColView(0)), rep, nil
}

// ridgeByDualCholesky solves (XXᵀ + λI)·A = Y and returns W = XᵀA for the
// scaled n×p X (read-only) and n×k Y; it overwrites Y with A.
func ridgeByDualCholesky(name string, X gramX, Y *mat.Dense, lambda float64) (*mat.Dense, Report, error) {
	chol, kappa, err := ridgeGramCholesky(name, X, false, lambda)
	rep := Report{Cond: math.Sqrt(kappa)}
	if err != nil {
		return nil, rep, err
	}
	lapack64.Potrs(chol, Y.RawMatrix())
	p := X.x.Cols
	_, k := Y.Dims()
	W := mat.NewDense(p, k, nil)
	mulTransTo(W.RawMatrix(), X, Y.RawMatrix())
	return W, rep, nil
}
