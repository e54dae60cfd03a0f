package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// SVD is a STUB: replace with the real implementation.
type SVD struct{ cfg config }

// NewSVD returns the "svd" solver.
func NewSVD(opts ...Option) *SVD { return &SVD{cfg: newConfig(optRCond, opts)} }

// Name returns "svd".
func (s *SVD) Name() string { return "svd" }

// Solve returns X⁺y.
func (s *SVD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *SVD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *SVD) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
