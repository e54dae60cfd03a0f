package solvers

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// opaque hides X's raw storage, so that the pipeline must copy it.
type opaque struct{ mat.Matrix }

// TestGramView checks that the solvers that may read X in place
// through solveReadOnly ("ridge-chol", "ridge-dual", "cod", the Krylov and
// gradient solvers) give the same bits, the same Report and
// the same errors whether they read the caller's *mat.Dense in place
// (viewScaled) or a private scaled copy (X hidden behind an interface),
// that the view is taken exactly when viewScaled's limits allow it, and
// that X is left untouched. Refusals (an iteration cap, a failed
// certificate) must match too.
func TestGramView(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	gauss := func(n, p int, scale float64) *mat.Dense {
		X := mat.NewDense(n, p, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				X.Set(i, j, scale*rng.NormFloat64())
			}
		}
		return X
	}
	big := gauss(60, 50, 1)
	tiny := gauss(30, 20, 1)
	tiny.Set(3, 4, 1e-130) // below 2^-400: the view is refused
	cases := []struct {
		name string
		X    *mat.Dense
		view bool
	}{
		{"tall", gauss(41, 23, 1), true},
		{"wide", gauss(23, 41, 1), true},
		{"strided view", big.Slice(3, 40, 5, 33).(*mat.Dense), true},
		{"scaled 2^20", gauss(30, 20, 0x1p20), true},
		{"scaled 2^-30", gauss(30, 20, 0x1p-30), true},
		{"scaled 2^40", gauss(30, 20, 0x1p40), false},
		{"scaled 2^-40", gauss(30, 20, 0x1p-40), false},
		{"tiny entry", tiny, false},
		{"zero", mat.NewDense(5, 4, nil), true},
	}
	for _, c := range cases {
		n, p := c.X.Dims()
		if _, _, _, ok, _ := viewScaled("t", "X", c.X, n, p); ok != c.view {
			t.Errorf("%s: viewScaled ok = %t, want %t", c.name, ok, c.view)
		}
		y := mat.NewVecDense(n, nil)
		for i := 0; i < n; i++ {
			y.SetVec(i, rng.NormFloat64())
		}
		before := mat.DenseCopyOf(c.X)
		start := mat.NewVecDense(p, nil)
		for i := 0; i < p; i++ {
			start.SetVec(i, 0.01*float64(i%7))
		}
		for _, s := range []Reporter{
			NewRidgeChol(0.7), NewRidgeDual(0.7), NewRidgeChol(0), NewRidgeDual(1e-300),
			// The read-only iterative solvers (solveReadOnly).
			NewLSQR(), NewLSMR(), NewCGLS(), NewRidgeLSQR(0.7), NewLSQR(WithMaxIter(3)),
			NewGD(WithMaxIter(50), WithStart(start)), NewNesterov(WithMaxIter(50)), NewRidgeGD(0.7, WithMaxIter(50)),
			// "cod" copies X itself, scaled on the way (codTransposeOf, codCopyOf).
			NewCOD(), NewCOD(WithRCond(0.3)),
		} {
			w1, r1, e1 := s.SolveReport(c.X, y)
			w2, r2, e2 := s.SolveReport(opaque{c.X}, y)
			if (e1 == nil) != (e2 == nil) || e1 != nil && e1.Error() != e2.Error() {
				t.Errorf("%s %s: errors differ: %v / %v", c.name, s.Name(), e1, e2)
				continue
			}
			if r1 != r2 {
				t.Errorf("%s %s: reports differ: %+v / %+v", c.name, s.Name(), r1, r2)
			}
			if e1 != nil {
				continue
			}
			for i := 0; i < p; i++ {
				if math.Float64bits(w1.AtVec(i)) != math.Float64bits(w2.AtVec(i)) {
					t.Errorf("%s %s: w[%d] = %v in place, %v from the copy", c.name, s.Name(), i, w1.AtVec(i), w2.AtVec(i))
					break
				}
			}
		}
		if !mat.Equal(before, c.X) {
			t.Errorf("%s: X modified", c.name)
		}
	}
	// A non-finite entry is refused by the same message either way.
	X := gauss(6, 5, 1)
	X.Set(2, 3, math.Inf(-1))
	X.Set(4, 0, math.NaN())
	y := mat.NewVecDense(6, nil)
	_, e1 := NewRidgeChol(1).Solve(X, y)
	_, e2 := NewRidgeChol(1).Solve(opaque{X}, y)
	if !errors.Is(e1, ErrNotFinite) || e2 == nil || e1.Error() != e2.Error() {
		t.Errorf("non-finite X: %v / %v", e1, e2)
	}
}
