package solvers

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// Test helpers shared by the per-solver test files. The direct solvers'
// basic helpers (directU, directShapes, directCheckSolve, directRelErr,
// directPenrose, directConcurrent, ...) are in svd_test.go, beside their
// first user.

// Compile-time checks of the interfaces each solver's doc comment promises
// (svd's are in svd_test.go).
var (
	_ Pseudoinverter = (*COD)(nil)
	_ MultiSolver    = (*COD)(nil)
	_ Reporter       = (*COD)(nil)

	_ MultiSolver = (*QR)(nil)
	_ Reporter    = (*QR)(nil)

	_ MultiSolver = (*Normal)(nil)
	_ Reporter    = (*Normal)(nil)

	_ Pseudoinverter = (*NewtonSchulz)(nil)
	_ Reporter       = (*NewtonSchulz)(nil)
)

// directCheckHandFullRank runs s on the hand-derived cases: full-rank ones
// must be solved within tol, rank-deficient ones refused.
func directCheckHandFullRank(t *testing.T, s Solver, tol float64) {
	t.Helper()
	for _, c := range directHandCases() {
		w, err := s.Solve(c.X, mat.NewVecDense(len(c.y), c.y))
		n, p := c.X.Dims()
		if c.rank < min(n, p) {
			if !errors.Is(err, ErrIllConditioned) {
				t.Errorf("%s %s (rank %d < %d): got w = %v, err = %v; want ErrIllConditioned", s.Name(), c.name, c.rank, min(n, p), w, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", s.Name(), c.name, err)
			continue
		}
		if e := directRelErr(w, mat.NewVecDense(len(c.want), c.want)); e > tol {
			t.Errorf("%s %s: got %v, want %v (relative error %.3g > %.3g)", s.Name(), c.name, mat.Formatted(w.T()), c.want, e, tol)
		}
	}
}

// directCheckRefusalCase judges one case of a refusal-boundary test, where
// X = diag(1, δ) (possibly padded with zero columns) has a hand-derived
// answer want and κ = 1/δ: refuse says whether the rule must refuse it. A
// refusal must wrap ErrIllConditioned; an answer must be within 4u of want
// (the factorizations of a diagonal are exact up to a few roundings) and
// report Cond within condTol of 1/δ (relative).
func directCheckRefusalCase(t *testing.T, what string, refuse bool, w *mat.VecDense, rep Report, err error, want []float64, delta, condTol float64) {
	t.Helper()
	switch {
	case refuse && !errors.Is(err, ErrIllConditioned):
		t.Errorf("%s: err = %v, want ErrIllConditioned", what, err)
	case !refuse && err != nil:
		t.Errorf("%s: %v", what, err)
	case !refuse && directRelErr(w, mat.NewVecDense(len(want), want)) > 4*directU:
		t.Errorf("%s: w = %v, want %v", what, mat.Formatted(w.T()), want)
	case !refuse && math.Abs(rep.Cond*delta-1) > condTol:
		t.Errorf("%s: Cond = %v, want 1/δ", what, rep.Cond)
	}
}

// directCheckPlantedRank checks a rank-revealing solver (one that never
// refuses: svd, cod) on planted problems of every directShapes shape,
// κ ∈ {1, 10³, 10⁸}, full rank and rank min(n, p) − 2 (at least 1),
// consistent and not (seeds from seed + 1): the forward error must be within
// directBackwardTol and the reported rank must be the planted one (the
// spectrum drops from σ = 1/κ ≥ 10⁻⁸ to rounding level, a gap the rank rule
// must see).
func directCheckPlantedRank(t *testing.T, s Reporter, seed uint64) {
	t.Helper()
	for _, sh := range directShapes {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, kappa := range []float64{1, 1e3, 1e8} {
			for _, rank := range []int{k, max(1, k-2)} {
				for _, resid := range []float64{0, 0.5} {
					seed++
					pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(rank, kappa), resid)
					what := fmt.Sprintf("seed %d", seed)
					directCheckSolve(t, s, pl, directBackwardTol(pl), what)
					_, rep, _ := s.SolveReport(pl.X, pl.Y)
					if rep.Rank != rank {
						t.Errorf("%s %s: %#v: rank %d, want %d", s.Name(), what, pl, rep.Rank, rank)
					}
				}
			}
		}
	}
}

// directCheckPinv checks s.Pinv on planted problems (seed, κ = 10⁴, planted
// rank rank(min(n, p)), tall, wide, square and 1×1) against the planted
// pseudoinverse and the Penrose conditions, and that it leaves X unchanged.
// Each entry of X⁺ has absolute perturbation about κ²·u·‖X⁺‖ (the Wedin
// bound for the pseudoinverse of a rank-preserving perturbation), hence the
// tolerances of TestSVDPinv: 30·max(n, p)·u·κ relative for P, that times κ
// for the Penrose residual.
func directCheckPinv(t *testing.T, s Pseudoinverter, seed uint64, rank func(k int) int) {
	t.Helper()
	for _, sh := range [][2]int{{8, 5}, {5, 8}, {7, 7}, {1, 1}} {
		n, p := sh[0], sh[1]
		kappa := 1e4
		pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(rank(min(n, p)), kappa), 0.5)
		X0 := mat.DenseCopyOf(pl.X)
		P, err := s.Pinv(pl.X)
		if err != nil {
			t.Fatalf("%s: %#v: %v", s.Name(), pl, err)
		}
		if !mat.Equal(X0, pl.X) {
			t.Fatalf("%s: Pinv modified X", s.Name())
		}
		if r, c := P.Dims(); r != p || c != n {
			t.Fatalf("%s: Pinv of %d×%d is %d×%d", s.Name(), n, p, r, c)
		}
		tol := 30 * float64(max(n, p)) * directU * kappa
		if e := directMatRelErr(P, directPlantedPinv(pl)); e > tol {
			t.Errorf("%s: %#v: ‖P − X⁺‖/‖X⁺‖ = %.3g > %.3g", s.Name(), pl, e, tol)
		}
		if e := directPenrose(pl.X, P); e > tol*kappa {
			t.Errorf("%s: %#v: Penrose residual %.3g > %.3g", s.Name(), pl, e, tol*kappa)
		}
	}
}

// Helpers shared by the tests of the iterative solvers (gd, nesterov, cgls,
// lsqr, lsmr, rek, ridge-lsqr, ridge-gd). The oracle is the planted solution
// of internal/problem, built from its SVD and independent of every solver.

const unitRoundoff = 0x1p-53

// iterShape is one planted problem shape: n×p of rank k.
type iterShape struct{ n, p, k int }

// iterShapes covers tall, wide, square and rank-deficient X, small enough to
// keep the tests fast.
var iterShapes = []iterShape{{30, 20, 20}, {20, 30, 20}, {25, 25, 25}, {24, 18, 12}, {16, 28, 10}}

// iterPlanted returns a planted problem with a geometric spectrum from 1 down
// to 1/κ and a residual of norm resid orthogonal to the range of X.
func iterPlanted(seed uint64, sh iterShape, kappa, resid float64) *problem.Planted {
	return problem.NewPlanted(problem.New(seed), sh.n, sh.p, problem.GeometricSpectrum(sh.k, kappa), resid)
}

// iterRelErr returns ‖a − b‖/‖b‖.
func iterRelErr(a, b mat.Vector) float64 {
	var d mat.VecDense
	d.SubVec(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// iterBound is the forward-error bound of the LSQR doc comment for a solver
// that met the stopping rule with tolerance tol on the planted problem, with
// a safety factor 10 for the constants the derivation drops (the gap between
// the recurrences and the true residual, ‖w‖ versus ‖w*‖), plus the floor
// of the planted reference itself (κ·u and κ²·u·‖r‖/(‖X‖₂‖w‖), problem.NewPlanted)
// with a factor 100 for the dimension-dependent constants of the
// floating-point analysis.
func iterBound(pl *problem.Planted, tol float64) float64 {
	kappa := pl.Cond()
	normXF := mat.Norm(pl.X, 2)
	kappaF := normXF / pl.Sigma[len(pl.Sigma)-1]
	ratio := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
	return 10*(2*tol*kappaF+tol*kappaF*kappa*ratio) + 100*unitRoundoff*(kappa+kappa*kappa*ratio)
}

// iterCheckPlanted solves planted problems with s and checks that every
// answer is within iterBound of the planted solution; refusals are errors
// here since κ is modest.
func iterCheckPlanted(t *testing.T, s Solver, tol float64, kappas []float64, resids []float64) {
	t.Helper()
	seed := uint64(1)
	for _, sh := range iterShapes {
		for _, kappa := range kappas {
			for _, resid := range resids {
				seed++
				pl := iterPlanted(seed, sh, kappa, resid)
				w, err := s.Solve(pl.X, pl.Y)
				if err != nil {
					t.Errorf("%s seed %d %#v: %v", s.Name(), seed, pl, err)
					continue
				}
				if e, b := iterRelErr(w, pl.W), iterBound(pl, tol); !(e <= b) {
					t.Errorf("%s seed %d %#v: relative error %.3g > bound %.3g", s.Name(), seed, pl, e, b)
				}
			}
		}
	}
}

// iterCheckCap checks that a run stopped by its cap is an ErrNotConverged
// refusal, never a vector.
func iterCheckCap(t *testing.T, s Solver) {
	t.Helper()
	pl := iterPlanted(7, iterShape{30, 20, 20}, 100, 0.5)
	w, err := s.Solve(pl.X, pl.Y)
	if !errors.Is(err, ErrNotConverged) || w != nil {
		t.Errorf("%s at its cap: got w = %v, err = %v; want ErrNotConverged", s.Name(), w != nil, err)
	}
}

// iterCheckBadOptions checks the option validation of options.go as seen by
// the solver built by mk.
func iterCheckBadOptions(t *testing.T, mk func(...Option) Solver, rejected Option) {
	t.Helper()
	pl := iterPlanted(3, iterShape{6, 4, 4}, 10, 0)
	for name, opt := range map[string]Option{"WithTol(0)": WithTol(0), "WithMaxIter(0)": WithMaxIter(0), "unaccepted": rejected} {
		if opt == nil {
			continue
		}
		s := mk(opt)
		if _, err := s.Solve(pl.X, pl.Y); !errors.Is(err, ErrBadParameter) {
			t.Errorf("%s with %s: err = %v, want ErrBadParameter", s.Name(), name, err)
		}
	}
}

// iterCheckIllConditioned checks, on planted problems with κ far beyond what
// the default tolerance can certify, that every answer is either refused or
// within the certificate's promise (a relative error 10·maxForwardError,
// the factor 10 allowing for σ̂ above σ_min).
func iterCheckIllConditioned(t *testing.T, s Solver) {
	t.Helper()
	for seed := uint64(1); seed <= 4; seed++ {
		for _, kappa := range []float64{1e8, 1e12} {
			for _, resid := range []float64{0, 1} {
				pl := iterPlanted(seed, iterShape{24, 16, 16}, kappa, resid)
				w, err := s.Solve(pl.X, pl.Y)
				if err != nil {
					if !errors.Is(err, ErrIllConditioned) && !errors.Is(err, ErrNotConverged) {
						t.Errorf("%s seed %d %#v: unexpected error %v", s.Name(), seed, pl, err)
					}
					continue
				}
				if e := iterRelErr(w, pl.W); !(e <= 10*maxForwardError) {
					t.Errorf("%s seed %d %#v: returned a vector with relative error %.3g", s.Name(), seed, pl, e)
				}
			}
		}
	}
}

// iterCheckLooseTol checks the forward-error bound where it is not swamped
// by rounding: s runs with the loose tolerance tol (1e-6) on planted problems
// with κ = 30 (seeds from seed + 1), where the stopping rule leaves errors
// near iterBound. Answers the certificate refuses are allowed; returned ones
// must obey the bound, and at least one must be returned, lest the check be
// vacuous (a solver that refuses every problem here, κ = 30, is broken).
func iterCheckLooseTol(t *testing.T, s Solver, tol float64, seed uint64) {
	t.Helper()
	answered := 0
	for _, sh := range iterShapes {
		for _, resid := range []float64{0, 1} {
			seed++
			pl := iterPlanted(seed, sh, 30, resid)
			w, err := s.Solve(pl.X, pl.Y)
			if errors.Is(err, ErrIllConditioned) {
				continue
			}
			if err != nil {
				t.Fatalf("%s seed %d %#v: %v", s.Name(), seed, pl, err)
			}
			answered++
			if e, b := iterRelErr(w, pl.W), iterBound(pl, tol); !(e <= b) {
				t.Errorf("%s seed %d %#v: relative error %.3g > bound %.3g", s.Name(), seed, pl, e, b)
			}
		}
	}
	if answered == 0 {
		t.Errorf("%s with tol = %g refused every planted problem (κ = 30)", s.Name(), tol)
	}
}
