package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// CGLS is a STUB: replace with the real implementation.
type CGLS struct{ cfg config }

// NewCGLS returns the "cgls" solver.
func NewCGLS(opts ...Option) *CGLS { return &CGLS{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "cgls".
func (s *CGLS) Name() string { return "cgls" }

// Solve returns X⁺y.
func (s *CGLS) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *CGLS) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *CGLS) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
