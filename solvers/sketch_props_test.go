package solvers_test

import (
	"testing"

	"github.com/minnorm/lstsq/props"
	"github.com/minnorm/lstsq/solvers"
)

// TestSketchPathProperties runs the whole min-norm property suite on the
// sketch path of "sketch" at every shape (solvers.NewSketchAlways, from
// sketch_test.go): the suite draws n, p ≤ 40, mostly near the threshold,
// where NewSketch itself hands over to "cod". The claim is the one of
// "sketch" in props (LSQR's rule at tol = 1e-14, error linear in κ).
func TestSketchPathProperties(t *testing.T) {
	props.TestMinNorm(t, props.WithAccuracy(solvers.NewSketchAlways(), props.Accuracy{Eps: 1e-14}))
}
