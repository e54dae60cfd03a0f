package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// Normal is a STUB: replace with the real implementation.
type Normal struct{ cfg config }

// NewNormal returns the "normal" solver.
func NewNormal(opts ...Option) *Normal { return &Normal{cfg: newConfig(0, opts)} }

// Name returns "normal".
func (s *Normal) Name() string { return "normal" }

// Solve returns X⁺y.
func (s *Normal) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *Normal) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *Normal) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
