package solvers

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// TestNormalHandDerived: full-rank cases within 16u (κ ≤ 2 here, so κ²u ≤ 4u
// per rounding), rank-deficient ones refused.
func TestNormalHandDerived(t *testing.T) { directCheckHandFullRank(t, NewNormal(), 16*directU) }

// TestNormalRefusalBoundary checks the rule rĉond₁(G) < √u on X = diag(1, δ),
// whose Gram matrix diag(1, δ²) and condition estimate δ² are computed
// without error up to a few ulps: the threshold is δ = u^(1/4).
func TestNormalRefusalBoundary(t *testing.T) {
	edge := math.Pow(directU, 0.25)
	for _, c := range []struct {
		delta  float64
		refuse bool
	}{
		{edge * (1 - 1e-6), true},
		{edge * (1 + 1e-6), false},
		{1e-8, true}, // κ²u ≈ 1: Cholesky of the Gram matrix fails
	} {
		for _, tall := range []bool{true, false} {
			X := mat.NewDense(2, 2, []float64{1, 0, 0, c.delta})
			want := []float64{1, 1}
			if !tall {
				X = mat.NewDense(2, 3, []float64{1, 0, 0, 0, c.delta, 0})
				want = []float64{1, 1, 0}
			}
			y := mat.NewVecDense(2, []float64{1, c.delta})
			w, rep, err := NewNormal().SolveReport(X, y)
			what := fmt.Sprintf("tall=%v δ = %v", tall, c.delta)
			directCheckRefusalCase(t, what, c.refuse, w, rep, err, want, c.delta, 1e-12)
		}
	}
}

// TestNormalPlanted: full-rank planted problems with κ ≤ 10³ are solved with
// relative error at most 30·max(n, p)·u·κ²·(1 + ‖r‖/(σ₁‖w‖)) (the normal
// equations' forward error, Higham 2002 ch. 20, with LAPACK's test constant);
// κ ≥ 10⁶ (κ̂₁(G) ≥ κ²/(3m) > 1/√u for m ≤ 30) and rank-deficient X are refused.
func TestNormalPlanted(t *testing.T) {
	seed := uint64(300)
	for _, sh := range directShapes {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, resid := range []float64{0, 0.5} {
			for _, kappa := range []float64{1, 1e2, 1e3} {
				seed++
				pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(k, kappa), resid)
				rho := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
				tol := 30 * float64(max(n, p)) * directU * kappa * kappa * (1 + rho)
				directCheckSolve(t, NewNormal(), pl, tol, fmt.Sprintf("seed %d", seed))
			}
			if k < 2 {
				continue
			}
			seed++
			for _, sigma := range [][]float64{problem.GeometricSpectrum(k, 1e6), problem.GeometricSpectrum(k-1, 10)} {
				pl := problem.NewPlanted(problem.New(seed), n, p, sigma, resid)
				if w, err := NewNormal().Solve(pl.X, pl.Y); !errors.Is(err, ErrIllConditioned) {
					t.Errorf("seed %d: %#v: w = %v, err = %v; want ErrIllConditioned", seed, pl, w, err)
				}
			}
		}
	}
}

// TestNormalSolveMany checks SolveMany against planted solutions and Solve.
func TestNormalSolveMany(t *testing.T) { directCheckSolveMany(t, NewNormal()) }

// TestNormalConcurrent runs one Normal solver from several goroutines.
func TestNormalConcurrent(t *testing.T) {
	pl := problem.NewPlanted(problem.New(6), 20, 24, problem.GeometricSpectrum(20, 1e2), 0)
	directConcurrent(t, NewNormal(), pl.X, pl.Y)
}
