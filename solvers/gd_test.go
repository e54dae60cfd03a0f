package solvers

import (
	"errors"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// iterNullTarget returns the limit W + (I − V·Vᵀ)·w₀ of a gradient method
// started at w₀ on the planted problem (theory.md: GD from w₀ converges to
// X⁺y + P_null(X)·w₀), with P_null built from the planted V, not from X.
func iterNullTarget(pl *problem.Planted, w0 *mat.VecDense) *mat.VecDense {
	var c, vc mat.VecDense
	c.MulVec(pl.V.T(), w0)
	vc.MulVec(pl.V, &c)
	var out mat.VecDense
	out.SubVec(w0, &vc)
	out.AddVec(&out, pl.W)
	return &out
}

// iterCheckStart checks that the solver made by mk, started at a random w₀,
// converges to W + P_null·w₀ on rank-deficient and wide planted problems,
// where the null space is not trivial. The bound is iterBound: the
// derivation only needs w − (W + P_null·w₀) in the row space, and ‖target‖ ≥ ‖W‖.
func iterCheckStart(t *testing.T, mk func(...Option) Solver) {
	t.Helper()
	for i, sh := range []iterShape{{24, 18, 12}, {16, 28, 10}, {20, 30, 20}} {
		seed := uint64(200 + i)
		pl := iterPlanted(seed, sh, 10, 0.5)
		rng := problem.New(seed + 1000)
		w0 := mat.NewVecDense(sh.p, nil)
		for j := 0; j < sh.p; j++ {
			w0.SetVec(j, rng.NormFloat64())
		}
		want := iterNullTarget(pl, w0)
		s := mk(WithStart(w0))
		w, err := s.Solve(pl.X, pl.Y)
		if err != nil {
			t.Errorf("%s seed %d %#v: %v", s.Name(), seed, pl, err)
			continue
		}
		if e, b := iterRelErr(w, want), iterBound(pl, defaultIterTol); !(e <= b) {
			t.Errorf("%s seed %d %#v: relative error to W + P_null·w₀ %.3g > bound %.3g", s.Name(), seed, pl, e, b)
		}
		// The null-space part of w₀ must survive: without it the error
		// would be ‖P_null·w₀‖/‖target‖, of order one.
		if e := iterRelErr(w, pl.W); e < 0.1 {
			t.Errorf("%s seed %d: answer is X⁺y (rel. distance %.3g), not X⁺y + P_null·w₀", s.Name(), seed, e)
		}
	}
}

// iterCheckStartAtSolution checks a start that already meets the stopping
// rule: no step is taken and w₀ itself is returned.
func iterCheckStartAtSolution(t *testing.T, mk func(...Option) Solver) {
	t.Helper()
	pl := iterPlanted(300, iterShape{24, 18, 12}, 10, 0.5)
	s := mk(WithStart(pl.W))
	w, rep, err := s.(Reporter).SolveReport(pl.X, pl.Y)
	if err != nil {
		t.Fatalf("%s %#v: %v", s.Name(), pl, err)
	}
	if rep.Iterations != 0 {
		t.Errorf("%s: %d iterations from the solution, want 0", s.Name(), rep.Iterations)
	}
	if e := iterRelErr(w, pl.W); e > 0 {
		t.Errorf("%s: moved away from the solution (relative change %.3g)", s.Name(), e)
	}
}

// GD needs about κ²·ln(1/ε) steps, so its planted tests stay at κ = 10.
func TestGDPlanted(t *testing.T) {
	iterCheckPlanted(t, NewGD(), defaultIterTol, []float64{10}, []float64{0, 1})
}

func TestGDStart(t *testing.T) { iterCheckStart(t, func(o ...Option) Solver { return NewGD(o...) }) }

func TestGDStartAtSolution(t *testing.T) {
	iterCheckStartAtSolution(t, func(o ...Option) Solver { return NewGD(o...) })
}

func TestGDCap(t *testing.T) { iterCheckCap(t, NewGD(WithMaxIter(50))) }

func TestGDBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewGD(o...) }, WithSeed(1))
}

func TestGDIllConditioned(t *testing.T) { iterCheckIllConditioned(t, NewGD()) }

// TestGDStartWrongLength checks that a start of the wrong length is ErrShape.
func TestGDStartWrongLength(t *testing.T) {
	pl := iterPlanted(5, iterShape{6, 4, 4}, 10, 0)
	if _, err := NewGD(WithStart(mat.NewVecDense(5, nil))).Solve(pl.X, pl.Y); !errors.Is(err, ErrShape) {
		t.Errorf("err = %v, want ErrShape", err)
	}
}

// TestEstimateLipschitz checks the power-iteration estimate against the
// planted σ_max² = 1: it must never exceed σ_max² (a Rayleigh quotient) and
// must reach at least σ_max²/2 so that η = 1/(1.01·ρ̂) < 2/σ_max², here also
// with a nearly repeated top singular value, where the power method is slow.
func TestEstimateLipschitz(t *testing.T) {
	for i, sigma := range [][]float64{
		problem.GeometricSpectrum(20, 100),
		{1, 0.9999, 0.9998, 0.5, 0.1},
		{1, 1e-3, 1e-6},
	} {
		pl := problem.NewPlanted(problem.New(uint64(400+i)), 25, 20, sigma, 0)
		lp := newLSProblem(&task{X: pl.X, y: pl.Y, cfg: &config{}})
		rho := estimateLipschitz(lp)
		if rho > 1+1e-12 || rho < 0.5 {
			t.Errorf("σ = %v: ρ̂ = %v, want within [½, 1]", sigma[:3], rho)
		}
	}
}
