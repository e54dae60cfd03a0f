package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// COD is a STUB: replace with the real implementation.
type COD struct{ cfg config }

// NewCOD returns the "cod" solver.
func NewCOD(opts ...Option) *COD { return &COD{cfg: newConfig(optRCond, opts)} }

// Name returns "cod".
func (s *COD) Name() string { return "cod" }

// Solve returns X⁺y.
func (s *COD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *COD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *COD) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
