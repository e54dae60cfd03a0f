package solvers

import "gonum.org/v1/gonum/mat"

// Nesterov is the "nesterov" solver: Nesterov's accelerated gradient method
// (Nesterov 1983) on ½‖y − X·w‖₂², in the form
//
//	w_{k+1} = v_k + η·Xᵀ(y − X·v_k),
//	v_{k+1} = w_{k+1} + β_k·(w_{k+1} − w_k),  β_k = j/(j + 3),
//
// with j the number of steps since the last restart, η = 1/L̂ as for GD, and
// the gradient adaptive restart of O'Donoghue & Candès (2015, "Adaptive
// restart for accelerated gradient schemes", §3.2): the momentum is reset
// (j = 0) whenever it points uphill, Xᵀ(y − X·v_k)·(w_{k+1} − w_k) < 0. The
// restart recovers the linear rate of the strongly convex case without
// knowing σ_min, about κ·ln(1/ε) steps instead of GD's κ²·ln(1/ε).
//
// It starts from w₀ = v₀ = 0 or WithStart(w₀). Both sequences stay in
// w₀ + row space of X (every update is a combination of gradients Xᵀ(·)),
// so the limit is X⁺y + P_null(X)·w₀, and X⁺y from 0.
//
// The step size and its safeguards, the stopping rule (LSQR's with ‖X‖_F,
// tol = 1e-14 by default, evaluated at v_k, which is the point returned) and
// the forward-error certificate (σ̂² the smallest Rayleigh quotient of the
// gradients; refusal with ErrIllConditioned above an estimated relative error
// of 1e-4) are those of GD. The default cap is 5000 + 20·min(n, p)
// iterations; reaching it returns ErrNotConverged. Report.Cond is
// √(σ̂_max²/σ̂²).
//
// Options: WithTol, WithMaxIter, WithStart.
type Nesterov struct{ cfg config }

// NewNesterov returns the "nesterov" solver.
func NewNesterov(opts ...Option) *Nesterov {
	return &Nesterov{cfg: newConfig(optTol|optMaxIter|optStart, opts)}
}

// Name returns "nesterov".
func (s *Nesterov) Name() string { return "nesterov" }

// Solve returns X⁺y (X⁺y + P_null(X)·w₀ WithStart(w₀)).
func (s *Nesterov) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *Nesterov) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *Nesterov) core(t *task) (*mat.VecDense, Report, error) {
	return firstOrder(s.Name(), t, true, nesterovCap)
}

// nesterovCap is the default iteration cap of "nesterov".
func nesterovCap(n, p int) int { return 5000 + 20*min(n, p) }
