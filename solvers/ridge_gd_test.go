package solvers

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// GD needs about κ_λ²·ln(1/ε) steps, so the planted tests stay at κ = 10.
func TestRidgeGDPlanted(t *testing.T) {
	iterCheckRidge(t, func(l float64) Solver { return NewRidgeGD(l) }, 10, defaultIterTol)
}

func TestRidgeGDBadLambda(t *testing.T) {
	iterCheckRidgeBadLambda(t, func(l float64) Solver { return NewRidgeGD(l) })
}

func TestRidgeGDCap(t *testing.T) { iterCheckCap(t, NewRidgeGD(1e-6, WithMaxIter(50))) }

func TestRidgeGDBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewRidgeGD(0.1, o...) }, WithStart(mat.NewVecDense(4, nil)))
}

// TestRidgeGDLambdaZeroIsGD checks the documented identity: with λ = 0
// "ridge-gd" runs GD's loop unchanged, so the answers agree bit for bit.
func TestRidgeGDLambdaZeroIsGD(t *testing.T) {
	pl := iterPlanted(600, iterShape{24, 18, 12}, 10, 0.5)
	a, err1 := NewRidgeGD(0).Solve(pl.X, pl.Y)
	b, err2 := NewGD().Solve(pl.X, pl.Y)
	if err1 != nil || err2 != nil {
		t.Fatalf("ridge-gd %v, gd %v", err1, err2)
	}
	if !mat.Equal(a, b) {
		t.Errorf("ridge-gd(0) and gd differ by %.3g", iterRelErr(a, b))
	}
}

// TestRidgeGDPenaltyHelps checks that a heavy penalty makes a hopeless
// problem for GD (κ = 1e8) converge: κ_λ ≤ √(1 + 1/λ) ≈ 1.4 for λ = 1.
func TestRidgeGDPenaltyHelps(t *testing.T) {
	pl := iterPlanted(601, iterShape{24, 16, 16}, 1e8, 1)
	const lambda = 1.0
	w, err := NewRidgeGD(lambda).Solve(pl.X, pl.Y)
	if err != nil {
		t.Fatalf("%#v: %v", pl, err)
	}
	if e, b := iterRelErr(w, iterRidgeOracle(pl, lambda)), iterRidgeBound(pl, lambda, defaultIterTol); !(e <= b) {
		t.Errorf("%#v: relative error %.3g > bound %.3g", pl, e, b)
	}
}
