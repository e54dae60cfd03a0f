package solvers_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// TestRidgeDualWide checks the fast path p ≫ n: at λ = 0 the answer is the
// planted min-norm interpolant W (so X·w = y and w lies in the row space), and
// for λ > 0 the plant's ridge solution; the Report's Cond = √κ̂₁(XXᵀ + λI) is
// within a factor √n of κ₂(X) at λ = 0 (the 1-norm estimate lies within a
// factor n of κ₂(XXᵀ)).
func TestRidgeDualWide(t *testing.T) {
	const seed, n, p, kappa = 5, 20, 600, 100
	pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(n, kappa), 0)
	for _, lambda := range []float64{0, 1e-6, 1e-2} {
		w, rep, err := solvers.NewRidgeDual(lambda).SolveReport(pl.X, pl.Y)
		if err != nil {
			t.Fatalf("seed %d %#v λ = %v: %v", seed, pl, lambda, err)
		}
		want := plantedRidge(pl, lambda)
		var r mat.VecDense
		r.MulVec(pl.X, want)
		r.SubVec(pl.Y, &r)
		tol := ridgeTolerances(n, p, pl.Sigma, lambda, mat.Norm(pl.Y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
		if e := ridgeRelErr(w, want); e > tol.dual {
			t.Errorf("seed %d %#v λ = %v: relative error %.3g > %.3g", seed, pl, lambda, e, tol.dual)
		}
		if lambda == 0 {
			if e := ridgeRelErr(w, pl.W); e > tol.dual {
				t.Errorf("seed %d %#v: distance to the planted min-norm W %.3g > %.3g", seed, pl, e, tol.dual)
			}
			if c := rep.Cond; c < kappa/5 || c > kappa*5 {
				t.Errorf("seed %d %#v: Report.Cond = %.3g, want within √%d of %v", seed, pl, c, n, kappa)
			}
		}
	}
}

// TestRidgeDualRefusal checks that a tall X, whose XXᵀ is singular, is
// refused at λ = 0 (the Cholesky factorization fails) and at a tiny λ, where
// κ₂(XXᵀ + λI) = (σ_max² + λ)/λ ≈ 10¹², and answered at a moderate λ.
func TestRidgeDualRefusal(t *testing.T) {
	const seed, n, p = 6, 30, 12
	pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(p, 10), 0.5)
	for _, c := range []struct {
		lambda float64
		refuse bool
	}{{0, true}, {1e-12, true}, {1e-2, false}} {
		what := fmt.Sprintf("seed %d %#v λ = %v", seed, pl, c.lambda)
		w, err := solvers.NewRidgeDual(c.lambda).Solve(pl.X, pl.Y)
		switch {
		case c.refuse && !errors.Is(err, solvers.ErrIllConditioned):
			t.Errorf("%s: got w = %v, err = %v; want ErrIllConditioned", what, w != nil, err)
		case !c.refuse && err != nil:
			t.Errorf("%s: refused: %v", what, err)
		case !c.refuse:
			want := plantedRidge(pl, c.lambda)
			var r mat.VecDense
			r.MulVec(pl.X, want)
			r.SubVec(pl.Y, &r)
			tol := ridgeTolerances(n, p, pl.Sigma, c.lambda, mat.Norm(pl.Y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
			if e := ridgeRelErr(w, want); e > tol.dual {
				t.Errorf("%s: relative error %.3g > %.3g", what, e, tol.dual)
			}
		}
	}
}
