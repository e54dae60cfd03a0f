package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// REK is a STUB: replace with the real implementation.
type REK struct{ cfg config }

// NewREK returns the "rek" solver.
func NewREK(opts ...Option) *REK { return &REK{cfg: newConfig(optTol|optMaxIter|optSeed, opts)} }

// Name returns "rek".
func (s *REK) Name() string { return "rek" }

// Solve returns X⁺y.
func (s *REK) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *REK) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *REK) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
