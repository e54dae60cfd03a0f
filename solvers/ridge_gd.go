package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// RidgeGD is a STUB: replace with the real implementation.
type RidgeGD struct {
	lambda float64
	cfg    config
}

// NewRidgeGD returns the "ridge-gd" solver with penalty λ.
func NewRidgeGD(lambda float64, opts ...Option) *RidgeGD {
	return &RidgeGD{lambda: lambda, cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "ridge-gd".
func (s *RidgeGD) Name() string { return "ridge-gd" }

// Solve returns w_λ.
func (s *RidgeGD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeGD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

func (s *RidgeGD) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
