package solvers

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// TestNewtonSchulzHandDerived: full-rank cases within 16u (κ ≤ 2 here),
// rank-deficient ones refused.
func TestNewtonSchulzHandDerived(t *testing.T) {
	directCheckHandFullRank(t, NewNewtonSchulz(), 16*directU)
}

// TestNewtonSchulzPlanted: full-rank planted problems with κ ≤ 10⁶ are solved
// within directBackwardTol (the final step is computed as (2I − Z·X)·Z·y so
// that the error stays at the backward-stable level), and take between
// 2·log₂κ and log₂(κ²·√(np)·ln(√m/tol)) + 2 iterations: in exact arithmetic
// 1 − s_min(k) = (1 − α·σ_min²)^(2^k) with 1/√(np) ≤ α·σ₁² ≤ 1. Rank-deficient
// X and κ = 10¹⁰ > κ_max are refused.
func TestNewtonSchulzPlanted(t *testing.T) {
	seed := uint64(400)
	for _, sh := range directShapes {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, kappa := range []float64{1, 1e3, 1e6} {
			for _, resid := range []float64{0, 0.5} {
				seed++
				what := fmt.Sprintf("seed %d", seed)
				pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(k, kappa), resid)
				directCheckSolve(t, NewNewtonSchulz(), pl, directBackwardTol(pl), what)
				_, rep, _ := NewNewtonSchulz().SolveReport(pl.X, pl.Y)
				c := pl.Cond()
				lo := 2*math.Log2(c) - 1
				hi := math.Ceil(math.Log2(c*c*math.Sqrt(float64(n*p))*math.Log(math.Sqrt(float64(k))/nsDefaultTol))) + 2
				if it := float64(rep.Iterations - 1); it < lo || it > hi {
					t.Errorf("%s: %#v: %d iterations, want %d updates in [%.0f, %.0f]", what, pl, rep.Iterations, rep.Iterations-1, lo, hi)
				}
			}
		}
		if k < 3 {
			continue
		}
		seed++
		for _, sigma := range [][]float64{problem.GeometricSpectrum(k-2, 10), problem.GeometricSpectrum(k, 1e10)} {
			pl := problem.NewPlanted(problem.New(seed), n, p, sigma, 0.5)
			if w, err := NewNewtonSchulz().Solve(pl.X, pl.Y); !errors.Is(err, ErrIllConditioned) {
				t.Errorf("seed %d: %#v: w = %v, err = %v; want ErrIllConditioned", seed, pl, w, err)
			}
		}
	}
}

// TestNewtonSchulzOptions checks the iteration cap, the tolerance and their
// validation.
func TestNewtonSchulzOptions(t *testing.T) {
	pl := problem.NewPlanted(problem.New(41), 8, 10, problem.GeometricSpectrum(8, 1e3), 0)
	// About 2·log₂(10³) ≈ 20 iterations are needed before convergence starts.
	if _, err := NewNewtonSchulz(WithMaxIter(10)).Solve(pl.X, pl.Y); !errors.Is(err, ErrNotConverged) {
		t.Errorf("WithMaxIter(10) at κ = 10³: err = %v, want ErrNotConverged", err)
	}
	// A looser tolerance stops earlier but still certifies ‖I − T‖ ≤ tol,
	// so the answer's error is at most about tol·κ (the residual bound
	// ‖X·w − y‖ ≤ tol²‖y‖ after the last step, divided by σ_min).
	_, full, err := NewNewtonSchulz().SolveReport(pl.X, pl.Y)
	if err != nil {
		t.Fatal(err)
	}
	w, loose, err := NewNewtonSchulz(WithTol(1e-2)).SolveReport(pl.X, pl.Y)
	if err != nil {
		t.Fatal(err)
	}
	if loose.Iterations >= full.Iterations {
		t.Errorf("WithTol(1e-2) took %d iterations, the default %d", loose.Iterations, full.Iterations)
	}
	if e := directRelErr(w, pl.W); e > 1e-4*pl.Cond() {
		t.Errorf("WithTol(1e-2): relative error %.3g > tol²·κ = %.3g", e, 1e-4*pl.Cond())
	}
	for _, opt := range []Option{WithTol(1), WithTol(2), WithTol(-1), WithMaxIter(0), WithRCond(0.1)} {
		if _, err := NewNewtonSchulz(opt).Solve(pl.X, pl.Y); !errors.Is(err, ErrBadParameter) {
			t.Errorf("bad option: err = %v, want ErrBadParameter", err)
		}
	}
}

// TestNewtonSchulzPinv checks Pinv against the planted pseudoinverse and the
// Penrose conditions, with the tolerances of TestSVDPinv, and that it refuses
// a rank-deficient X.
func TestNewtonSchulzPinv(t *testing.T) {
	directCheckPinv(t, NewNewtonSchulz(), 13, func(k int) int { return k })
	X := mat.NewDense(3, 2, []float64{1, 2, 2, 4, 3, 6})
	if P, err := NewNewtonSchulz().Pinv(X); !errors.Is(err, ErrIllConditioned) {
		t.Errorf("Pinv of a rank-1 3×2: P = %v, err = %v; want ErrIllConditioned", P, err)
	}
}

// TestNewtonSchulzConcurrent runs one solver from several goroutines.
func TestNewtonSchulzConcurrent(t *testing.T) {
	pl := problem.NewPlanted(problem.New(8), 16, 20, problem.GeometricSpectrum(16, 1e2), 0)
	directConcurrent(t, NewNewtonSchulz(), pl.X, pl.Y)
}
