package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// RidgeSVD is a STUB: replace with the real implementation.
type RidgeSVD struct {
	lambda float64
	cfg    config
}

// NewRidgeSVD returns the "ridge-svd" solver with penalty λ.
func NewRidgeSVD(lambda float64, opts ...Option) *RidgeSVD {
	return &RidgeSVD{lambda: lambda, cfg: newConfig(optRCond, opts)}
}

// Name returns "ridge-svd".
func (s *RidgeSVD) Name() string { return "ridge-svd" }

// Solve returns w_λ.
func (s *RidgeSVD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeSVD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

func (s *RidgeSVD) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
