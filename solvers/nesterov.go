package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// Nesterov is a STUB: replace with the real implementation.
type Nesterov struct{ cfg config }

// NewNesterov returns the "nesterov" solver.
func NewNesterov(opts ...Option) *Nesterov {
	return &Nesterov{cfg: newConfig(optTol|optMaxIter|optStart, opts)}
}

// Name returns "nesterov".
func (s *Nesterov) Name() string { return "nesterov" }

// Solve returns X⁺y.
func (s *Nesterov) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *Nesterov) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *Nesterov) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
