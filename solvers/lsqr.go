package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// LSQR is a STUB: replace with the real implementation.
type LSQR struct{ cfg config }

// NewLSQR returns the "lsqr" solver.
func NewLSQR(opts ...Option) *LSQR { return &LSQR{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "lsqr".
func (s *LSQR) Name() string { return "lsqr" }

// Solve returns X⁺y.
func (s *LSQR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *LSQR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *LSQR) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
