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

// This file holds the oracles and tolerances shared by the tests of the
// direct ridge solvers ("ridge-chol", "ridge-dual", "ridge-svd"), the tests
// they share, and the tests of "ridge-chol" alone.

// ridgeU is the unit roundoff u = 2⁻⁵³.
const ridgeU = 0x1p-53

// ridgeDirect returns the three direct ridge solvers with penalty λ.
func ridgeDirect(lambda float64) []solvers.Solver {
	return []solvers.Solver{solvers.NewRidgeChol(lambda), solvers.NewRidgeDual(lambda), solvers.NewRidgeSVD(lambda)}
}

// plantedRidge is the oracle for a planted problem: the ridge solution from
// the plant's own factors X = U·diag(σ)·Vᵀ,
//
//	w_λ = V·diag(σ_i/(σ_i² + λ))·Uᵀy,
//
// independent of any factorization a solver computes. At λ = 0 it is the
// min-norm solution X⁺y, which equals the planted W up to rounding.
func plantedRidge(pl *problem.Planted, lambda float64) *mat.VecDense {
	k := pl.Rank()
	c := mat.NewVecDense(k, nil)
	c.MulVec(pl.U.T(), pl.Y)
	for i, s := range pl.Sigma {
		c.SetVec(i, c.AtVec(i)*s/(s*s+lambda))
	}
	_, p := pl.X.Dims()
	w := mat.NewVecDense(p, nil)
	w.MulVec(pl.V, c)
	return w
}

// ridgeTol holds the accuracy bounds, relative to ‖w_λ‖, that the tests
// allow each method on one problem. Each is the first-order bound of the
// method's error with the dimension factor n + p standing in for the modest
// constants of the backward-error bounds of the BLAS, Cholesky and SVD
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §§3.5,
// 10.1, 20.4). With σ the singular values of X, r the numerical rank,
// ρ = ‖y − X·w_λ‖/(σ_max·‖w_λ‖) and κ_m = (σ_max² + λ)/(σ_m² + λ) (σ_m = 0
// when m > r):
//
//	perturb: the ridge solution moves by at most this when X moves by
//	  ‖E‖ ≈ (n+p)·u·σ_max (the stored X versus the exact plant, or the SVD's
//	  backward error): from dw = (XᵀX + λI)⁻¹(Eᵀr − XᵀEw),
//	  (n+p)·u·(√(2κ_r) + κ_r·ρ + [λ > 0, r < p]·σ_max²·ρ/λ),
//	  the last term from the null space of X, where (XᵀX + λI)⁻¹ = 1/λ.
//	primal: perturb plus forming and factoring G = XᵀX + λI and forming Xᵀy:
//	  (n+p)·u·κ_p·(1 + σ_max‖y‖/((σ_max² + λ)‖w‖)).
//	dual: perturb plus forming and factoring K = XXᵀ + λI, whose error in
//	  a = K⁻¹y reaches w = Xᵀa through ‖XᵀK⁻¹‖ = φ = max σ_i/(σ_i² + λ):
//	  (n+p)·u·κ_n·(φ + σ_max/(σ_max² + λ))·‖y‖/‖w‖.
//
// A singular Gram matrix (κ_m = +Inf) gives an infinite bound: the test then
// demands a refusal instead.
type ridgeTol struct {
	perturb, primal, dual float64
	kappaP, kappaN        float64 // κ₂(XᵀX + λI), κ₂(XXᵀ + λI)
}

// ridgeTolerances returns the bounds for an n×p X with the min(n, p)
// singular values sigma (largest first, exact zeros beyond the rank), penalty
// λ, and the norms of y, of the exact w_λ and of its residual.
func ridgeTolerances(n, p int, sigma []float64, lambda, yNorm, wNorm, rNorm float64) ridgeTol {
	// Work with X/σ_max and λ/σ_max², so that huge or tiny X cannot
	// overflow the bounds; every bound is invariant under that scaling.
	smax := sigma[0]
	s := make([]float64, len(sigma))
	for i := range s {
		s[i] = sigma[i] / smax
	}
	lam := lambda / smax / smax
	r := 0
	for r < len(s) && s[r] > 0 {
		r++
	}
	kappa := func(m int) float64 {
		sm := 0.0
		if m <= r {
			sm = s[m-1]
		}
		return (1 + lam) / (sm*sm + lam)
	}
	phi := 0.0
	for _, si := range s[:r] {
		phi = math.Max(phi, si/(si*si+lam))
	}
	dim := float64(n + p)
	rho := rNorm / smax / wNorm
	eta := yNorm / smax / wNorm
	kr := kappa(r)
	var t ridgeTol
	t.perturb = dim * ridgeU * (math.Sqrt(2*kr) + kr*rho)
	if lam > 0 && r < p {
		t.perturb += dim * ridgeU * rho / lam
	}
	t.kappaP, t.kappaN = kappa(p), kappa(n)
	t.primal = t.perturb + dim*ridgeU*t.kappaP*(1+eta/(1+lam))
	t.dual = t.perturb + dim*ridgeU*t.kappaN*(phi+1/(1+lam))*eta
	return t
}

// checkRidgeAnswer checks one solver's outcome on an n×p problem against the
// oracle want with bounds tol. A Gram solver may refuse only when its Gram
// matrix of order m has m·κ₂ ≥ ½/√u (its estimate κ̂₁ is at most m·κ₂, and ½
// allows for the rounding of the Gram matrix itself); it must refuse when the
// Gram matrix is singular. "ridge-svd" never refuses.
func checkRidgeAnswer(t *testing.T, what string, s solvers.Solver, w *mat.VecDense, err error, want *mat.VecDense, tol ridgeTol, n, p int) {
	t.Helper()
	bound, kappa, m := tol.perturb, 0.0, 0
	switch s.Name() {
	case "ridge-chol":
		bound, kappa, m = tol.primal, tol.kappaP, p
	case "ridge-dual":
		bound, kappa, m = tol.dual, tol.kappaN, n
	}
	if err != nil {
		if m == 0 {
			t.Errorf("%s: %s refused: %v", what, s.Name(), err)
			return
		}
		if !errors.Is(err, solvers.ErrIllConditioned) {
			t.Errorf("%s: %s: error %v does not wrap ErrIllConditioned", what, s.Name(), err)
		}
		if float64(m)*kappa < 0.5/math.Sqrt(ridgeU) {
			t.Errorf("%s: %s refused with κ₂(Gram) = %.3g (m = %d): %v", what, s.Name(), kappa, m, err)
		}
		return
	}
	if math.IsInf(kappa, 1) {
		t.Errorf("%s: %s answered on a singular Gram matrix", what, s.Name())
		return
	}
	if w.Len() != p {
		t.Errorf("%s: %s returned length %d, want %d", what, s.Name(), w.Len(), p)
		return
	}
	if e := ridgeRelErr(w, want); !(e <= bound) {
		t.Errorf("%s: %s relative error %.3g > bound %.3g (κ₂(Gram) = %.3g)", what, s.Name(), e, bound, kappa)
	}
}

// ridgeRelErr returns ‖w − want‖/‖want‖ (or ‖w‖ when want = 0).
func ridgeRelErr(w, want mat.Vector) float64 {
	var d mat.VecDense
	d.SubVec(w, want)
	if nw := mat.Norm(want, 2); nw > 0 {
		return mat.Norm(&d, 2) / nw
	}
	return mat.Norm(&d, 2)
}

// exactCase is a small problem whose ridge solution was derived by hand.
type exactCase struct {
	name   string
	X      *mat.Dense
	y      *mat.VecDense
	lambda float64
	want   []float64
}

// exactRidgeCases are the hand-derived cases. Each comment gives the
// derivation.
func exactRidgeCases() []exactCase {
	return []exactCase{
		// Diagonal X: w_i = d_i·y_i/(d_i² + λ) = (2/4.5, 1/1.5, 0.5/0.75).
		{"diag 3×3", mat.NewDense(3, 3, []float64{2, 0, 0, 0, 1, 0, 0, 0, 0.5}),
			mat.NewVecDense(3, []float64{1, 1, 1}), 0.5, []float64{4.0 / 9, 2.0 / 3, 2.0 / 3}},
		// Wide diagonal: w = (2/(4+1), 1/(1+1), 0); the third coordinate is
		// in the null space and must be exactly 0.
		{"wide diag 2×3", mat.NewDense(2, 3, []float64{2, 0, 0, 0, 1, 0}),
			mat.NewVecDense(2, []float64{1, 1}), 1, []float64{0.4, 0.5, 0}},
		// Tall diagonal: w = (2/5, 1/2); y₃ is orthogonal to the range.
		{"tall diag 3×2", mat.NewDense(3, 2, []float64{2, 0, 0, 1, 0, 0}),
			mat.NewVecDense(3, []float64{1, 1, 1}), 1, []float64{0.4, 0.5}},
		// Square at λ = 0: [1 1; 0 1]·w = (3, 1) gives w = (2, 1).
		{"square λ=0", mat.NewDense(2, 2, []float64{1, 1, 0, 1}),
			mat.NewVecDense(2, []float64{3, 1}), 0, []float64{2, 1}},
		// Dense 2×2 with λ = 1: XᵀX + I = [11 14; 14 21], det 35, Xᵀy = (4, 6),
		// w = [21 −14; −14 11]·(4, 6)/35 = (0, 10/35). Dually XXᵀ + I =
		// [6 11; 11 26], a = (3/7, −1/7), Xᵀa = (0, 2/7).
		{"dense 2×2 λ=1", mat.NewDense(2, 2, []float64{1, 2, 3, 4}),
			mat.NewVecDense(2, []float64{1, 1}), 1, []float64{0, 2.0 / 7}},
		// Wide at λ = 0: the min-norm solution of w₁ + w₂ = 2 is (1, 1).
		// "ridge-chol" must refuse: XᵀX is singular.
		{"wide 1×2 λ=0", mat.NewDense(1, 2, []float64{1, 1}),
			mat.NewVecDense(1, []float64{2}), 0, []float64{1, 1}},
		// Tall at λ = 0: the least-squares solution of w = 1, w = 3 is 2.
		// "ridge-dual" must refuse: XXᵀ is singular.
		{"tall 2×1 λ=0", mat.NewDense(2, 1, []float64{1, 1}),
			mat.NewVecDense(2, []float64{1, 3}), 0, []float64{2}},
		// Rank-deficient with a zero column and λ = 0.1: the zero singular
		// value must contribute 0, not NaN: w = (1/1.1, 0).
		{"zero column λ=0.1", mat.NewDense(2, 2, []float64{1, 0, 0, 0}),
			mat.NewVecDense(2, []float64{1, 1}), 0.1, []float64{1 / 1.1, 0}},
		// Huge entries at λ = 0: X = 2⁶⁰⁰·[1 1; 0 1], y = 2⁶⁰⁰·(3, 1) gives
		// w = (2, 1). XᵀX would overflow without the pipeline's scaling.
		{"huge square λ=0", mat.NewDense(2, 2, []float64{0x1p600, 0x1p600, 0, 0x1p600}),
			mat.NewVecDense(2, []float64{3 * 0x1p600, 0x1p600}), 0, []float64{2, 1}},
		// Tiny entries: X = 2⁻⁵⁰⁰·[1 2; 3 4] with λ = 2⁻¹⁰⁰⁰·1 is the dense
		// 2×2 case scaled, w = 2⁵⁰⁰·(0, 2/7): the pipeline must scale λ with X.
		{"tiny dense", mat.NewDense(2, 2, []float64{0x1p-500, 2 * 0x1p-500, 3 * 0x1p-500, 4 * 0x1p-500}),
			mat.NewVecDense(2, []float64{1, 1}), 0x1p-1000, []float64{0, 0x1p500 * 2 / 7}},
	}
}

// TestRidgeDirectExact checks the three direct ridge solvers on the
// hand-derived cases, with bounds from κ₂ computed by gonum's SVD (used only
// for the tolerance, never as the oracle).
func TestRidgeDirectExact(t *testing.T) {
	for _, c := range exactRidgeCases() {
		lambda := c.lambda
		n, p := c.X.Dims()
		want := mat.NewVecDense(p, c.want)
		sigma := ridgeSingularValues(c.X)
		var r mat.VecDense
		r.MulVec(c.X, want)
		r.SubVec(c.y, &r)
		tol := ridgeTolerances(n, p, sigma, lambda, mat.Norm(c.y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
		for _, s := range ridgeDirect(lambda) {
			w, err := s.Solve(c.X, c.y)
			checkRidgeAnswer(t, c.name, s, w, err, want, tol, n, p)
			// A coordinate that is 0 because its singular value is 0 must be
			// exactly 0, not rounding noise or NaN.
			if err == nil && c.want[p-1] == 0 && w.AtVec(p-1) != 0 {
				t.Errorf("%s: %s: w[%d] = %v, want exactly 0", c.name, s.Name(), p-1, w.AtVec(p-1))
			}
		}
	}
}

// ridgeSingularValues returns the min(n, p) singular values of X, largest
// first, with those at or below ε·max(n, p)·σ_max set to exactly 0, so that
// the tolerances see the exact rank of the small integer cases.
func ridgeSingularValues(X mat.Matrix) []float64 {
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDNone) {
		panic("SVD failed")
	}
	s := svd.Values(nil)
	n, p := X.Dims()
	for i := range s {
		if s[i] <= 0x1p-52*float64(max(n, p))*s[0] {
			s[i] = 0
		}
	}
	return s
}

// TestRidgeDirectOrthogonal checks X with orthonormal columns (tall, square)
// or rows (wide): every singular value is 1, so w_λ = Xᵀy/(1 + λ).
func TestRidgeDirectOrthogonal(t *testing.T) {
	const seed = 7
	rng := problem.New(seed)
	for _, sh := range [][2]int{{9, 9}, {12, 5}, {5, 12}} {
		n, p := sh[0], sh[1]
		var X *mat.Dense
		if n >= p {
			X = problem.Haar(rng, n, p)
		} else {
			X = mat.DenseCopyOf(problem.Haar(rng, p, n).T())
		}
		y := mat.NewVecDense(n, nil)
		for i := 0; i < n; i++ {
			y.SetVec(i, rng.NormFloat64())
		}
		sigma := make([]float64, min(n, p))
		for i := range sigma {
			sigma[i] = 1
		}
		for _, lambda := range []float64{0, 0.25, 3} {
			want := mat.NewVecDense(p, nil)
			want.MulVec(X.T(), y)
			want.ScaleVec(1/(1+lambda), want)
			var r mat.VecDense
			r.MulVec(X, want)
			r.SubVec(y, &r)
			tol := ridgeTolerances(n, p, sigma, lambda, mat.Norm(y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
			what := fmt.Sprintf("seed %d, orthonormal %d×%d, λ = %v", seed, n, p, lambda)
			for _, s := range ridgeDirect(lambda) {
				w, err := s.Solve(X, y)
				checkRidgeAnswer(t, what, s, w, err, want, tol, n, p)
			}
		}
	}
}

// TestRidgeDirectPlanted checks the three direct ridge solvers against the
// plant's own ridge solution on square, near-square (|n − p| ≤ 2), tall and
// wide problems, full rank and rank-deficient, across κ(X) from 1 to 10⁶, λ
// from 0 to σ_max², consistent and inconsistent, and with X scaled by a
// non-power-of-two factor so that the pipeline's scaling of λ is exercised.
// A Gram solver may refuse only as checkRidgeAnswer allows.
func TestRidgeDirectPlanted(t *testing.T) {
	shapes := [][3]int{ // n, p, rank
		{12, 12, 12}, {12, 13, 12}, {12, 14, 12}, {13, 12, 12}, {14, 12, 12},
		{8, 20, 8}, {20, 8, 8}, {10, 10, 6}, {9, 14, 5},
	}
	for seed := uint64(1); seed <= 2; seed++ {
		rng := problem.New(seed)
		for _, sh := range shapes {
			n, p, k := sh[0], sh[1], sh[2]
			for _, kappa := range []float64{1, 1e2, 1e4, 1e6} {
				for _, scale := range []float64{1, 3e5, 2.5e-7} {
					sigma := problem.GeometricSpectrum(k, kappa)
					for i := range sigma {
						sigma[i] *= scale
					}
					pl := problem.NewPlanted(rng, n, p, sigma, 0.3*scale)
					full := make([]float64, min(n, p))
					copy(full, sigma)
					for _, rel := range []float64{0, 1e-10, 1e-4, 1} {
						lambda := rel * scale * scale
						want := plantedRidge(pl, lambda)
						var r mat.VecDense
						r.MulVec(pl.X, want)
						r.SubVec(pl.Y, &r)
						tol := ridgeTolerances(n, p, full, lambda, mat.Norm(pl.Y, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
						what := fmt.Sprintf("seed %d %#v scale %g λ = %g", seed, pl, scale, lambda)
						for _, s := range ridgeDirect(lambda) {
							w, err := s.Solve(pl.X, pl.Y)
							checkRidgeAnswer(t, what, s, w, err, want, tol, n, p)
						}
					}
				}
			}
		}
	}
}

// TestRidgeCholRefusal pins the refusal rule on clear cases: a square X with
// κ(X) = 10³ (κ(XᵀX) = 10⁶, far below 1/√u ≈ 9.5·10⁷ even allowing the
// 1-norm estimate a factor p) is answered; κ(X) = 10⁵ (κ(XᵀX) = 10¹⁰) is
// refused at λ = 0 and answered once λ = 10⁻⁴σ_max² brings κ(XᵀX + λI) to
// about 10⁴. The Report carries Cond = √κ̂₁.
func TestRidgeCholRefusal(t *testing.T) {
	const seed, n = 3, 30
	rng := problem.New(seed)
	good := problem.NewPlanted(rng, n, n, problem.GeometricSpectrum(n, 1e3), 0)
	bad := problem.NewPlanted(rng, n, n, problem.GeometricSpectrum(n, 1e5), 0)

	w, rep, err := solvers.NewRidgeChol(0).SolveReport(good.X, good.Y)
	if err != nil {
		t.Fatalf("seed %d %#v: refused: %v", seed, good, err)
	}
	// The 1-norm estimate lies within a factor n of κ₂(XᵀX) = 10⁶.
	if c := rep.Cond * rep.Cond; c < 1e6/n || c > 1e6*n {
		t.Errorf("seed %d %#v: Report.Cond² = %.3g, want within a factor %d of 1e6", seed, good, c, n)
	}
	if e := ridgeRelErr(w, good.W); e > 2*n*ridgeU*1e6 {
		t.Errorf("seed %d %#v: relative error %.3g", seed, good, e)
	}

	_, rep, err = solvers.NewRidgeChol(0).SolveReport(bad.X, bad.Y)
	if !errors.Is(err, solvers.ErrIllConditioned) {
		t.Errorf("seed %d %#v: got error %v, want ErrIllConditioned", seed, bad, err)
	} else if rep.Cond*rep.Cond < 1e10/n {
		t.Errorf("seed %d %#v: refusal reports Cond² = %.3g, want about 1e10", seed, bad, rep.Cond*rep.Cond)
	}
	if _, err := solvers.NewRidgeChol(1e-4).Solve(bad.X, bad.Y); err != nil {
		t.Errorf("seed %d %#v: λ = 1e-4 refused: %v", seed, bad, err)
	}
}

// TestRidgeBadInput checks the error paths shared by the direct ridge
// solvers: bad λ for Solve, SolveMany and Path, shapes, non-finite input.
func TestRidgeBadInput(t *testing.T) {
	X := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	y := mat.NewVecDense(2, []float64{1, 1})
	Y := mat.NewDense(2, 3, nil)
	for _, lambda := range []float64{-1, math.NaN(), math.Inf(1), math.Inf(-1), -0x1p-1074} {
		for _, s := range ridgeDirect(lambda) {
			if _, err := s.Solve(X, y); !errors.Is(err, solvers.ErrBadParameter) {
				t.Errorf("%s λ = %v: Solve error %v, want ErrBadParameter", s.Name(), lambda, err)
			}
			if _, err := s.(solvers.MultiSolver).SolveMany(X, Y); !errors.Is(err, solvers.ErrBadParameter) {
				t.Errorf("%s λ = %v: SolveMany error %v, want ErrBadParameter", s.Name(), lambda, err)
			}
		}
		if _, err := solvers.NewRidgeSVD(0).Path(X, y, []float64{1, lambda}); !errors.Is(err, solvers.ErrBadParameter) {
			t.Errorf("Path with λ = %v: error %v, want ErrBadParameter", lambda, err)
		}
	}
	nan := mat.NewDense(2, 2, []float64{1, math.NaN(), 3, 4})
	for _, s := range ridgeDirect(1) {
		ms := s.(solvers.MultiSolver)
		for _, c := range []struct {
			name string
			err  error
			got  error
		}{
			{"short y", solvers.ErrShape, second(s.Solve(X, mat.NewVecDense(3, nil)))},
			{"nil X", solvers.ErrShape, second(s.Solve(nil, y))},
			{"nil y", solvers.ErrShape, second(s.Solve(X, nil))},
			{"NaN in X", solvers.ErrNotFinite, second(s.Solve(nan, y))},
			{"SolveMany rows", solvers.ErrShape, second(ms.SolveMany(X, mat.NewDense(3, 1, nil)))},
			{"SolveMany nil Y", solvers.ErrShape, second(ms.SolveMany(X, nil))},
			{"SolveMany NaN", solvers.ErrNotFinite, second(ms.SolveMany(nan, Y))},
			{"SolveMany Inf in Y", solvers.ErrNotFinite, second(ms.SolveMany(X, mat.NewDense(2, 1, []float64{1, math.Inf(-1)})))},
		} {
			if !errors.Is(c.got, c.err) {
				t.Errorf("%s %s: error %v, want %v", s.Name(), c.name, c.got, c.err)
			}
		}
	}
	for _, c := range []struct {
		name string
		err  error
		got  error
	}{
		{"Path short y", solvers.ErrShape, second(solvers.NewRidgeSVD(0).Path(X, mat.NewVecDense(1, nil), []float64{1}))},
		{"Path nil y", solvers.ErrShape, second(solvers.NewRidgeSVD(0).Path(X, nil, []float64{1}))},
		{"Path typed-nil y", solvers.ErrShape, second(solvers.NewRidgeSVD(0).Path(X, (*mat.VecDense)(nil), []float64{1}))},
		{"Path NaN", solvers.ErrNotFinite, second(solvers.NewRidgeSVD(0).Path(nan, y, []float64{1}))},
		{"bad option", solvers.ErrBadParameter, second(solvers.NewRidgeChol(1, solvers.WithTol(1e-3)).Solve(X, y))},
		{"bad rcond", solvers.ErrBadParameter, second(solvers.NewRidgeSVD(1, solvers.WithRCond(2)).Solve(X, y))},
	} {
		if !errors.Is(c.got, c.err) {
			t.Errorf("%s: error %v, want %v", c.name, c.got, c.err)
		}
	}
}

// second returns the error of a (value, error) pair.
func second[T any](_ T, err error) error { return err }

// TestRidgeDirectInputsUnchanged checks that Solve and SolveMany accept
// views and transposes and leave them unchanged.
func TestRidgeDirectInputsUnchanged(t *testing.T) {
	big := mat.NewDense(5, 6, []float64{
		9, 9, 9, 9, 9, 9,
		9, 1, 3, 9, 9, 9,
		9, 2, 4, 9, 9, 9,
		9, 9, 9, 9, 9, 9,
		9, 9, 9, 9, 9, 9,
	})
	// Xᵀ of the view is [1 2; 3 4]; the "dense 2×2 λ=1" case: w = (0, 2/7).
	X := big.Slice(1, 3, 1, 3).T()
	ycol := mat.NewDense(2, 2, []float64{1, 7, 1, 7})
	y := ycol.ColView(0) // stride 2
	before := mat.DenseCopyOf(big)
	want := mat.NewVecDense(2, []float64{0, 2.0 / 7})
	for _, s := range ridgeDirect(1) {
		w, err := s.Solve(X, y)
		if err != nil || ridgeRelErr(w, want) > 1e-14 {
			t.Errorf("%s on a transposed view: w = %v, err = %v", s.Name(), w, err)
		}
		W, err := s.(solvers.MultiSolver).SolveMany(X, ycol)
		if err != nil || ridgeRelErr(W.ColView(0), want) > 1e-14 {
			t.Errorf("%s SolveMany on a transposed view: W = %v, err = %v", s.Name(), W, err)
		}
		if !mat.Equal(big, before) || ycol.At(0, 0) != 1 || ycol.At(1, 0) != 1 {
			t.Fatalf("%s modified its input", s.Name())
		}
	}
}

// TestRidgeDirectSolveMany checks SolveMany column by column against the
// plant's oracle: Y = [y, 2y, 0, y − 2·(planted residual)] on an inconsistent
// problem, so that the columns differ in scale and direction; the zero column
// must give exactly 0.
func TestRidgeDirectSolveMany(t *testing.T) {
	const seed = 11
	rng := problem.New(seed)
	for _, sh := range [][2]int{{15, 9}, {9, 15}, {12, 12}} {
		n, p := sh[0], sh[1]
		k := min(n, p)
		sigma := problem.GeometricSpectrum(k, 50)
		pl := problem.NewPlanted(rng, n, p, sigma, 0.4)
		const lambda = 1e-3
		Y := mat.NewDense(n, 4, nil)
		for i := 0; i < n; i++ {
			yi := pl.Y.AtVec(i)
			Y.Set(i, 0, yi)
			Y.Set(i, 1, 2*yi)
			Y.Set(i, 3, yi-2*pl.R.AtVec(i))
		}
		for _, s := range ridgeDirect(lambda) {
			W, err := s.(solvers.MultiSolver).SolveMany(pl.X, Y)
			if err != nil {
				t.Errorf("seed %d %#v: %s: %v", seed, pl, s.Name(), err)
				continue
			}
			for j := 0; j < 4; j++ {
				yj := mat.VecDenseCopyOf(Y.ColView(j))
				if j == 2 {
					if mat.Norm(W.ColView(j), 2) != 0 {
						t.Errorf("seed %d %#v: %s: zero column gave ‖w‖ = %v", seed, pl, s.Name(), mat.Norm(W.ColView(j), 2))
					}
					continue
				}
				plj := *pl
				plj.Y = yj
				want := plantedRidge(&plj, lambda)
				var r mat.VecDense
				r.MulVec(pl.X, want)
				r.SubVec(yj, &r)
				tol := ridgeTolerances(n, p, sigma, lambda, mat.Norm(yj, 2), mat.Norm(want, 2), mat.Norm(&r, 2))
				what := fmt.Sprintf("seed %d %#v column %d", seed, pl, j)
				checkRidgeAnswer(t, what, s, mat.VecDenseCopyOf(W.ColView(j)), nil, want, tol, n, p)
			}
		}
	}
}
