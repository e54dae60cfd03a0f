package solvers

import (
	"errors"
	"fmt"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// TestQRHandDerived: full-rank cases within 8u (κ ≤ 2 here), rank-deficient
// ones (a rank-1 square, duplicate columns) refused.
func TestQRHandDerived(t *testing.T) { directCheckHandFullRank(t, NewQR(), 8*directU) }

// TestQRRefusalBoundary checks the rule rĉond ≤ ε·max(n, p)·min(n, p) on a
// diagonal X (padded with a zero column for the LQ path), where the
// factorization and the estimate are exact: the threshold is 2⁻⁵⁰ for 2×2
// and 6ε for 2×3.
func TestQRRefusalBoundary(t *testing.T) {
	if l := qrMinRCond(2, 2); l != 0x1p-50 {
		t.Fatalf("qrMinRCond(2, 2) = %v, want 2⁻⁵⁰", l)
	}
	for _, p := range []int{2, 3} {
		limit := qrMinRCond(2, p)
		for _, c := range []struct {
			delta  float64
			refuse bool
		}{
			{limit, true},
			{limit * (1 - 0x1p-20), true},
			{limit * (1 + 0x1p-20), false},
		} {
			X := mat.NewDense(2, p, nil)
			X.Set(0, 0, 1)
			X.Set(1, 1, c.delta)
			want := make([]float64, p)
			want[0], want[1] = 1, 1
			y := mat.NewVecDense(2, []float64{1, c.delta})
			w, rep, err := NewQR().SolveReport(X, y)
			what := fmt.Sprintf("2×%d, δ = %v (limit %v)", p, c.delta, limit)
			directCheckRefusalCase(t, what, c.refuse, w, rep, err, want, c.delta, 1e-15)
		}
	}
}

// TestQRPlanted: full-rank planted problems up to κ = 10¹² are solved within
// directBackwardTol; rank-deficient ones and those "svd" truncates are refused.
func TestQRPlanted(t *testing.T) {
	seed := uint64(200)
	for _, sh := range directShapes {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, kappa := range []float64{1, 1e3, 1e8, 1e12} {
			for _, resid := range []float64{0, 0.5} {
				seed++
				what := fmt.Sprintf("seed %d", seed)
				pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(k, kappa), resid)
				directCheckSolve(t, NewQR(), pl, directBackwardTol(pl), what)
				_, rep, _ := NewQR().SolveReport(pl.X, pl.Y)
				// Cond estimates κ₂ within a factor m (norm equivalence)
				// times 3 (the estimator).
				if c := pl.Cond(); !(rep.Cond >= c/(3*float64(k)) && rep.Cond <= c*float64(k)*(1+1e-6)) {
					t.Errorf("%s: %#v: Cond = %.3g, κ = %.3g", what, pl, rep.Cond, c)
				}
				if k < 3 {
					continue
				}
				// Rank-deficient (planted rank k − 2), and full rank with
				// σ_min at half the "svd" cut-off: both must be refused.
				pl = problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(k-2, kappa), resid)
				if w, err := NewQR().Solve(pl.X, pl.Y); !errors.Is(err, ErrIllConditioned) {
					t.Errorf("%s: rank-deficient %#v: w = %v, err = %v; want ErrIllConditioned", what, pl, w, err)
				}
				sigma := problem.GeometricSpectrum(k, kappa)
				sigma[k-1] = svdDefaultRCond(n, p) / 2
				pl = problem.NewPlanted(problem.New(seed), n, p, sigma, resid)
				if _, rep, _ := NewSVD().SolveReport(pl.X, pl.Y); rep.Rank != k-1 {
					t.Fatalf("%s: svd rank %d, want %d (test setup)", what, rep.Rank, k-1)
				}
				if w, err := NewQR().Solve(pl.X, pl.Y); !errors.Is(err, ErrIllConditioned) {
					t.Errorf("%s: %#v, σ_min below the svd cut-off: w = %v, err = %v; want ErrIllConditioned", what, pl, w, err)
				}
			}
		}
	}
}

// TestQRSolveMany checks SolveMany against planted solutions and Solve, and
// that it refuses a rank-deficient X.
func TestQRSolveMany(t *testing.T) {
	directCheckSolveMany(t, NewQR())
	X := mat.NewDense(3, 2, []float64{1, 1, 2, 2, 3, 3})
	if _, err := NewQR().SolveMany(X, mat.NewDense(3, 1, []float64{1, 2, 3})); !errors.Is(err, ErrIllConditioned) {
		t.Errorf("SolveMany on duplicate columns: err = %v, want ErrIllConditioned", err)
	}
}

// TestQRConcurrent runs one QR solver from several goroutines.
func TestQRConcurrent(t *testing.T) {
	pl := problem.NewPlanted(problem.New(5), 24, 20, problem.GeometricSpectrum(20, 1e3), 0.1)
	directConcurrent(t, NewQR(), pl.X, pl.Y)
}
