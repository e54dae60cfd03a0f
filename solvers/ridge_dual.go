package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// RidgeDual is a STUB: replace with the real implementation.
type RidgeDual struct {
	lambda float64
	cfg    config
}

// NewRidgeDual returns the "ridge-dual" solver with penalty λ.
func NewRidgeDual(lambda float64, opts ...Option) *RidgeDual {
	return &RidgeDual{lambda: lambda, cfg: newConfig(0, opts)}
}

// Name returns "ridge-dual".
func (s *RidgeDual) Name() string { return "ridge-dual" }

// Solve returns w_λ.
func (s *RidgeDual) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeDual) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

func (s *RidgeDual) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
