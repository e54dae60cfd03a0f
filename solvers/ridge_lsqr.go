package solvers

import "gonum.org/v1/gonum/mat"

// RidgeLSQR is the "ridge-lsqr" solver: LSQR (Paige & Saunders 1982) with
// damping parameter damp = √λ, which solves the damped least-squares problem
//
//	minimize over w: ‖X·w − y‖₂² + λ‖w‖₂²,  w_λ = (XᵀX + λI)⁻¹Xᵀy,
//
// for the n×p X (scipy's lsqr damp d is λ = d²). For λ > 0 the solution is
// unique; for λ = 0 this is plain min-norm LSQR and returns X⁺y.
//
// The stopping rule, the default tolerance 1e-14, the default cap
// 4·min(n, p) + 20 and the forward-error certificate are LSQR's (see LSQR),
// applied to the augmented system [X; √λ·I]·w ≈ [y; 0]: ‖r̄‖² = ‖y − Xw‖² +
// λ‖w‖², ‖Āᵀr̄‖ = ‖Xᵀ(y − Xw) − λw‖, and σ̂² estimates σ_min(X)² + λ on the
// row space of X, so a larger λ makes the certificate easier to meet. An
// answer whose estimated relative forward error exceeds 1e-4 is refused with
// ErrIllConditioned; reaching the cap returns ErrNotConverged. Report.Cond is
// the condition estimate of the augmented matrix. Options: WithTol,
// WithMaxIter.
type RidgeLSQR struct {
	lambda float64
	cfg    config
}

// NewRidgeLSQR returns the "ridge-lsqr" solver with penalty λ.
func NewRidgeLSQR(lambda float64, opts ...Option) *RidgeLSQR {
	return &RidgeLSQR{lambda: lambda, cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "ridge-lsqr".
func (s *RidgeLSQR) Name() string { return "ridge-lsqr" }

// Solve returns w_λ.
func (s *RidgeLSQR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeLSQR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

// core runs LSQR with damp = √λ, λ the penalty of the scaled problem.
func (s *RidgeLSQR) core(t *task) (*mat.VecDense, Report, error) {
	return dampedLSQR(s.Name(), t)
}
