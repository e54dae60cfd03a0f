package solvers

import "testing"

func TestNesterovPlanted(t *testing.T) {
	iterCheckPlanted(t, NewNesterov(), defaultIterTol, []float64{10, 100}, []float64{0, 1})
}

func TestNesterovStart(t *testing.T) {
	iterCheckStart(t, func(o ...Option) Solver { return NewNesterov(o...) })
}

func TestNesterovStartAtSolution(t *testing.T) {
	iterCheckStartAtSolution(t, func(o ...Option) Solver { return NewNesterov(o...) })
}

func TestNesterovCap(t *testing.T) { iterCheckCap(t, NewNesterov(WithMaxIter(50))) }

func TestNesterovBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewNesterov(o...) }, WithSeed(1))
}

func TestNesterovIllConditioned(t *testing.T) { iterCheckIllConditioned(t, NewNesterov()) }

// TestNesterovFasterThanGD checks the point of acceleration on one planted
// problem with κ = 10: GD needs about κ²·ln(1/ε) steps and Nesterov with
// restart about κ·ln(1/ε), so Nesterov must take at most a third of GD's.
func TestNesterovFasterThanGD(t *testing.T) {
	pl := iterPlanted(500, iterShape{30, 20, 20}, 10, 0.5)
	_, gd, err1 := NewGD().SolveReport(pl.X, pl.Y)
	_, nes, err2 := NewNesterov().SolveReport(pl.X, pl.Y)
	if err1 != nil || err2 != nil {
		t.Fatalf("%#v: gd %v, nesterov %v", pl, err1, err2)
	}
	if 3*nes.Iterations > gd.Iterations {
		t.Errorf("%#v: nesterov took %d iterations, gd %d", pl, nes.Iterations, gd.Iterations)
	}
}
