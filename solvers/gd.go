package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// GD is a STUB: replace with the real implementation.
type GD struct{ cfg config }

// NewGD returns the "gd" solver.
func NewGD(opts ...Option) *GD { return &GD{cfg: newConfig(optTol|optMaxIter|optStart, opts)} }

// Name returns "gd".
func (s *GD) Name() string { return "gd" }

// Solve returns X⁺y.
func (s *GD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *GD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *GD) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
