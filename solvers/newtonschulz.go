package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// NewtonSchulz is a STUB: replace with the real implementation.
type NewtonSchulz struct{ cfg config }

// NewNewtonSchulz returns the "newton-schulz" solver.
func NewNewtonSchulz(opts ...Option) *NewtonSchulz {
	return &NewtonSchulz{cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "newton-schulz".
func (s *NewtonSchulz) Name() string { return "newton-schulz" }

// Solve returns X⁺y.
func (s *NewtonSchulz) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *NewtonSchulz) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *NewtonSchulz) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
