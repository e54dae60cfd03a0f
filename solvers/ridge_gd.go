package solvers

import "gonum.org/v1/gonum/mat"

// RidgeGD is the "ridge-gd" solver: gradient descent on the penalised
// objective
//
//	f(w) = ½‖y − X·w‖₂² + ½λ‖w‖₂²,  minimised by w_λ = (XᵀX + λI)⁻¹Xᵀy,
//
// with the fixed step η = 1/L̂, L̂ ≈ 1.01·(σ_max(X)² + λ), from w₀ = 0. It is
// GD's loop (see GD for the step-size estimate and its safeguards) with the
// penalty added to the gradient, so for λ = 0 it is exactly "gd". The error
// falls like (1 − (σ_min² + λ)/L̂)^k, so a larger λ converges faster.
//
// Stopping rule: LSQR's applied to the augmented system [X; √λ·I]·w ≈ [y; 0],
//
//	‖r̄‖ ≤ tol·(‖Ā‖·‖w‖ + ‖y‖)  or  ‖Xᵀ(y − X·w) − λw‖ ≤ tol·‖Ā‖·‖r̄‖,
//
// with ‖r̄‖² = ‖y − X·w‖² + λ‖w‖², ‖Ā‖ = √(‖X‖_F² + λ) and tol = 1e-14 by
// default (WithTol); the second test says the penalised gradient
// ‖∇f(w)‖ = ‖Xᵀ(X·w − y) + λw‖ is small relative to ‖Ā‖·‖r̄‖, and for λ > 0 it
// is the one that ends the run (the augmented system is never consistent
// unless w_λ = 0). Both are evaluated on GD's recursively updated residual,
// refreshed every 50 steps. The default cap is 20000 + 50·min(n, p) iterations
// (WithMaxIter); reaching it returns ErrNotConverged. The forward-error
// certificate is LSQR's with σ̂² the smallest Rayleigh quotient of XᵀX + λI
// along the gradients (at least σ_min(X)² + λ on the row space of X, where
// the iterates stay); above an estimated relative error of 1e-4 the answer is
// refused with ErrIllConditioned.
//
// Options: WithTol, WithMaxIter.
type RidgeGD struct {
	lambda float64
	cfg    config
}

// NewRidgeGD returns the "ridge-gd" solver with penalty λ.
func NewRidgeGD(lambda float64, opts ...Option) *RidgeGD {
	return &RidgeGD{lambda: lambda, cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "ridge-gd".
func (s *RidgeGD) Name() string { return "ridge-gd" }

// Solve returns w_λ.
func (s *RidgeGD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeGD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

// core runs GD's loop with the penalty λ of the scaled problem in t.lambda.
func (s *RidgeGD) core(t *task) (*mat.VecDense, Report, error) {
	return firstOrder(s.Name(), t, false, gdCap)
}
