package props_test

import (
	"testing"

	"github.com/minnorm/lstsq/props"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// The one-line use, in a test file of your own package.
func ExampleTestMinNorm() {
	_ = func(t *testing.T) {
		props.TestMinNorm(t, solvers.NewCOD())
	}
}

// An iterative solver states its stopping tolerance, so that the suite's
// tolerances follow it.
func ExampleWithAccuracy() {
	_ = func(t *testing.T) {
		s := solvers.NewLSQR(solvers.WithTol(1e-12))
		props.TestMinNorm(t, props.WithAccuracy(s, props.Accuracy{Eps: 1e-12}))
	}
}

// Properties are func(*rapid.T) builders: run one on its own, or compose
// them, e.g. for a gradient method of your own that takes a start.
func ExampleStartedGradient() {
	_ = func(t *testing.T) {
		start := func(w0 mat.Vector) solvers.Solver { return solvers.NewNesterov(solvers.WithStart(w0)) }
		props.TestProperty(t, "nesterov-started", props.StartedGradient(start))
		rapid.Check(t, props.RowSpace(solvers.NewSVD()))
	}
}

// A ridge solver is checked through its constructor.
func ExampleTestRidge() {
	_ = func(t *testing.T) {
		props.TestRidge(t, func(lambda float64) solvers.Solver { return solvers.NewRidgeSVD(lambda) })
	}
}
