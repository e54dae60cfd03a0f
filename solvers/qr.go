package solvers

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// QR is a STUB: replace with the real implementation.
type QR struct{ cfg config }

// NewQR returns the "qr" solver.
func NewQR(opts ...Option) *QR { return &QR{cfg: newConfig(0, opts)} }

// Name returns "qr".
func (s *QR) Name() string { return "qr" }

// Solve returns X⁺y.
func (s *QR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *QR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *QR) core(t *task) (*mat.VecDense, Report, error) {
	return nil, Report{}, errors.New("not implemented")
}
