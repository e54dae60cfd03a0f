package solvers_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// TestRidgeSVDCutoff tests the boundary of the rank cut-off on X = diag(1, δ),
// whose SVD is exact: at λ = 0 numpy's cut-off is ε·max(n, p)·σ_max = 2⁻⁵¹, so
// δ = 2⁻⁵¹ is dropped (w₂ = 0) and δ = 2⁻⁵⁰ kept (w₂ = y₂/δ). For λ > 0 the
// default cut-off is 0: δ = 2⁻⁵¹ contributes δ·y₂/(δ² + λ). WithRCond(½)
// drops σ = ½ and keeps σ = ¾, at every λ.
func TestRidgeSVDCutoff(t *testing.T) {
	y := mat.NewVecDense(2, []float64{1, 1})
	for _, c := range []struct {
		delta, lambda float64
		opts          []solvers.Option
		w2            float64
		rank          int
	}{
		{0x1p-51, 0, nil, 0, 1},
		{0x1p-50, 0, nil, 0x1p50, 2},
		{0x1p-51, 0x1p-110, nil, 0x1p-51 / (0x1p-102 + 0x1p-110), 1},
		{0.5, 0, []solvers.Option{solvers.WithRCond(0.5)}, 0, 1},
		{0.5, 0.25, []solvers.Option{solvers.WithRCond(0.5)}, 0, 1},
		{0.75, 0.25, []solvers.Option{solvers.WithRCond(0.5)}, 0.75 / (0.75*0.75 + 0.25), 2},
	} {
		X := mat.NewDense(2, 2, []float64{1, 0, 0, c.delta})
		s := solvers.NewRidgeSVD(c.lambda, c.opts...)
		w, rep, err := s.SolveReport(X, y)
		what := fmt.Sprintf("δ = %v, λ = %v, %d options", c.delta, c.lambda, len(c.opts))
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		// w₁ = 1/(1 + λ) and w₂ are each one division and one rounding
		// (σ + λ/σ): within 2u.
		if w1 := 1 / (1 + c.lambda); math.Abs(w.AtVec(0)-w1) > 2*ridgeU*w1 {
			t.Errorf("%s: w₁ = %v, want %v", what, w.AtVec(0), w1)
		}
		if math.Abs(w.AtVec(1)-c.w2) > 2*ridgeU*c.w2 {
			t.Errorf("%s: w₂ = %v, want %v", what, w.AtVec(1), c.w2)
		}
		if rep.Rank != c.rank {
			t.Errorf("%s: Report.Rank = %d, want %d", what, rep.Rank, c.rank)
		}
	}
}

// TestRidgeSVDMinNorm checks λ = 0 on rank-deficient planted problems: the
// answer is the planted min-norm W, and the Report gives the planted rank
// and κ₂ over the non-zero singular values (to the SVD's accuracy,
// (n+p)·u·κ relative).
func TestRidgeSVDMinNorm(t *testing.T) {
	const seed = 8
	rng := problem.New(seed)
	for _, sh := range [][3]int{{10, 10, 7}, {8, 15, 5}, {15, 8, 5}, {12, 13, 12}} {
		n, p, k := sh[0], sh[1], sh[2]
		const kappa = 1e4
		pl := problem.NewPlanted(rng, n, p, problem.GeometricSpectrum(k, kappa), 0.2)
		w, rep, err := solvers.NewRidgeSVD(0).SolveReport(pl.X, pl.Y)
		if err != nil {
			t.Fatalf("seed %d %#v: %v", seed, pl, err)
		}
		full := make([]float64, min(n, p))
		copy(full, pl.Sigma)
		tol := ridgeTolerances(n, p, full, 0, mat.Norm(pl.Y, 2), mat.Norm(pl.W, 2), mat.Norm(pl.R, 2))
		if e := ridgeRelErr(w, pl.W); e > tol.perturb {
			t.Errorf("seed %d %#v: relative error %.3g > %.3g", seed, pl, e, tol.perturb)
		}
		if rep.Rank != k {
			t.Errorf("seed %d %#v: Report.Rank = %d", seed, pl, rep.Rank)
		}
		if math.Abs(rep.Cond-kappa) > float64(n+p)*ridgeU*kappa*kappa {
			t.Errorf("seed %d %#v: Report.Cond = %v", seed, pl, rep.Cond)
		}
	}
}

// TestRidgeSVDPath checks Path against the plant's ridge solution for each λ,
// on X scaled by a non-power-of-two factor c (so every λ, given as
// λ_rel·c², must be scaled by the pipeline), checks that ‖w_λ‖ strictly
// decreases along the path (‖w_λ‖² = Σ σ_i²c_i²/(σ_i² + λ)², c = Uᵀy ≠ 0),
// and that each point equals Solve with that λ to the same tolerance.
func TestRidgeSVDPath(t *testing.T) {
	const seed = 9
	rng := problem.New(seed)
	rels := []float64{0, 1e-8, 1e-4, 1e-2, 1, 100}
	for _, sh := range [][2]int{{15, 15}, {10, 25}, {25, 10}} {
		for _, scale := range []float64{1, 3e5} {
			n, p := sh[0], sh[1]
			sigma := problem.GeometricSpectrum(min(n, p), 1e3)
			for i := range sigma {
				sigma[i] *= scale
			}
			pl := problem.NewPlanted(rng, n, p, sigma, 0.3*scale)
			lambdas := make([]float64, len(rels))
			for i, r := range rels {
				lambdas[i] = r * scale * scale
			}
			path, err := solvers.NewRidgeSVD(0).Path(pl.X, pl.Y, lambdas)
			if err != nil {
				t.Fatalf("seed %d %#v: %v", seed, pl, err)
			}
			if len(path) != len(lambdas) {
				t.Fatalf("seed %d %#v: %d solutions for %d penalties", seed, pl, len(path), len(lambdas))
			}
			prev := math.Inf(1)
			for i, lambda := range lambdas {
				what := fmt.Sprintf("seed %d %#v scale %g λ = %g", seed, pl, scale, lambda)
				want := plantedRidge(pl, lambda)
				var r mat.VecDense
				r.MulVec(pl.X, want)
				r.SubVec(pl.Y, &r)
				tol := ridgeTolerances(n, p, sigma, lambda, mat.Norm(pl.Y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
				if e := ridgeRelErr(path[i], want); e > tol.perturb {
					t.Errorf("%s: relative error %.3g > %.3g", what, e, tol.perturb)
				}
				w, err := solvers.NewRidgeSVD(lambda).Solve(pl.X, pl.Y)
				if err != nil || ridgeRelErr(w, path[i]) > 2*tol.perturb {
					t.Errorf("%s: Solve differs from Path: err %v", what, err)
				}
				norm := mat.Norm(path[i], 2)
				if !(norm < prev) {
					t.Errorf("%s: ‖w_λ‖ = %v does not decrease (previous %v)", what, norm, prev)
				}
				prev = norm
			}
		}
	}
}

// TestRidgeSVDPathEdges checks an empty list, a zero X (w = 0 for every λ,
// including λ = 0) and that a λ overflowing on scaling is a bad parameter.
func TestRidgeSVDPathEdges(t *testing.T) {
	X := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	y := mat.NewVecDense(2, []float64{1, -1})
	s := solvers.NewRidgeSVD(0)
	if path, err := s.Path(X, y, nil); err != nil || len(path) != 0 {
		t.Errorf("empty λ list: %d solutions, err %v", len(path), err)
	}
	path, err := s.Path(mat.NewDense(2, 3, nil), y, []float64{0, 1})
	if err != nil || len(path) != 2 || mat.Norm(path[0], 2) != 0 || mat.Norm(path[1], 2) != 0 || path[0].Len() != 3 {
		t.Errorf("zero X: %v, err %v", path, err)
	}
	// X ≈ 2⁻¹⁰⁰⁰ is scaled up by 2¹⁰⁰⁰, so λ = 2¹⁰⁰ would become 2²¹⁰⁰.
	tiny := mat.NewDense(1, 1, []float64{0x1p-1000})
	if _, err := s.Path(tiny, mat.NewVecDense(1, []float64{1}), []float64{0x1p100}); !errors.Is(err, solvers.ErrBadParameter) {
		t.Errorf("overflowing λ: error %v, want ErrBadParameter", err)
	}
	if _, err := solvers.NewRidgeSVD(0x1p100).Solve(tiny, mat.NewVecDense(1, []float64{1})); !errors.Is(err, solvers.ErrBadParameter) {
		t.Errorf("overflowing λ in Solve: error %v, want ErrBadParameter", err)
	}
}

// TestRidgeSVDLambdaRange checks Solve against the plant's ridge solution
// over penalties from 10⁻²⁰·σ_max² to 10⁸·σ_max², on shapes that take every
// route of the bidiagonalization (direct with an upper or a lower bidiagonal,
// QR first, LQ first), with full and deficient rank and κ up to 10¹⁰: for
// λ > 0 this is Eldén's method on the bidiagonal, whose tolerance is the
// same perturbation bound as the SVD's (ridgeTolerances).
func TestRidgeSVDLambdaRange(t *testing.T) {
	const seed = 31
	rng := problem.New(seed)
	worst := 0.0
	for _, sh := range [][2]int{{30, 30}, {20, 45}, {45, 20}, {25, 35}, {35, 25}} {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, kappa := range []float64{10, 1e6, 1e10} {
			for _, rank := range []int{k, k - 3} {
				sigma := problem.GeometricSpectrum(rank, kappa)
				pl := problem.NewPlanted(rng, n, p, sigma, 0.3)
				full := make([]float64, k)
				copy(full, sigma)
				for _, rel := range []float64{1e-20, 1e-12, 1e-6, 1e-2, 1, 1e4, 1e8} {
					lambda := rel * sigma[0] * sigma[0]
					want := plantedRidge(pl, lambda)
					var r mat.VecDense
					r.MulVec(pl.X, want)
					r.SubVec(pl.Y, &r)
					tol := ridgeTolerances(n, p, full, lambda, mat.Norm(pl.Y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
					w, err := solvers.NewRidgeSVD(lambda).Solve(pl.X, pl.Y)
					if err != nil {
						t.Fatalf("seed %d %#v λ = %g: %v", seed, pl, lambda, err)
					}
					e := ridgeRelErr(w, want)
					if !(e <= tol.perturb) {
						t.Errorf("seed %d %#v λ = %g·σ_max²: relative error %.3g > %.3g", seed, pl, rel, e, tol.perturb)
					}
					worst = math.Max(worst, e/tol.perturb)
				}
			}
		}
	}
	t.Logf("seed %d: worst error/tolerance %.3g", seed, worst)
}
