package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// LSMR is a STUB: replace with the real implementation.
type LSMR struct{ cfg config }

// NewLSMR returns the "lsmr" solver.
func NewLSMR(opts ...Option) *LSMR { return &LSMR{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "lsmr".
func (s *LSMR) Name() string { return "lsmr" }

// Solve returns X⁺y.
func (s *LSMR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *LSMR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *LSMR) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
