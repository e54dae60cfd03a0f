package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// RidgeLSQR is a STUB: replace with the real implementation.
type RidgeLSQR struct {
	lambda float64
	cfg    config
}

// NewRidgeLSQR returns the "ridge-lsqr" solver with penalty λ.
func NewRidgeLSQR(lambda float64, opts ...Option) *RidgeLSQR {
	return &RidgeLSQR{lambda: lambda, cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "ridge-lsqr".
func (s *RidgeLSQR) Name() string { return "ridge-lsqr" }

// Solve returns w_λ.
func (s *RidgeLSQR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeLSQR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

func (s *RidgeLSQR) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
