package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// RidgeChol is a STUB: replace with the real implementation.
type RidgeChol struct {
	lambda float64
	cfg    config
}

// NewRidgeChol returns the "ridge-chol" solver with penalty λ.
func NewRidgeChol(lambda float64, opts ...Option) *RidgeChol {
	return &RidgeChol{lambda: lambda, cfg: newConfig(0, opts)}
}

// Name returns "ridge-chol".
func (s *RidgeChol) Name() string { return "ridge-chol" }

// Solve returns w_λ.
func (s *RidgeChol) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeChol) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

func (s *RidgeChol) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
