package solvers

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
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

// TestRidgeGramConditionBound checks that skipping Dpocon in
// ridgeGramCholesky (the cheap bound κ₁(G) ≤ √m·‖G‖₁/λ) never changes the
// refusal rule's verdict: over planted X (tall and wide, κ(X) up to 10⁵) and
// λ from 10⁻¹⁴ to 10 times σ_max², its verdict is the rule applied to
// LAPACK's estimate κ̂₁(G) always computed (the oracle); where the estimate
// was skipped, the κ returned bounds both κ₂(G) (from G's eigenvalues) and
// κ̂₁(G)/√m. Both paths must be taken, and both verdicts reached.
func TestRidgeGramConditionBound(t *testing.T) {
	const seed = 41
	rng := problem.New(seed)
	var skipped, estimated, refused int
	for _, sh := range [][2]int{{40, 25}, {25, 40}, {60, 60}, {7, 3}} {
		n, p := sh[0], sh[1]
		for _, kappa := range []float64{1, 1e2, 1e5} {
			pl := problem.NewPlanted(rng, n, p, problem.GeometricSpectrum(min(n, p), kappa), 0)
			sx, err := scaleCopy("t", "X", pl.X, n, p)
			if err != nil {
				t.Fatal(err)
			}
			smax := mat.Norm(sx.X, 2)
			for _, ofColumns := range []bool{true, false} {
				for e := -14.0; e <= 1; e += 0.5 {
					lambda := math.Pow(10, e) * smax * smax
					what := fmt.Sprintf("seed %d, %d×%d κ = %g, columns %v, λ = %.3g", seed, n, p, kappa, ofColumns, lambda)
					m := n
					var G mat.SymDense
					if ofColumns {
						m = p
						G.SymOuterK(1, sx.X.T())
					} else {
						G.SymOuterK(1, sx.X)
					}
					for i := 0; i < m; i++ {
						G.SetSym(i, i, G.At(i, i)+lambda)
					}
					// The oracle: Dpocon's estimate, always.
					var chol mat.Cholesky
					wantRefuse, est := true, 0.0
					if chol.Factorize(&G) {
						est = chol.Cond() // κ̂₁ from Dpocon
						wantRefuse = !(1/est >= ridgeMinRCond)
					}
					_, got, err := ridgeGramCholesky("t", gramX{sx.X.RawMatrix(), 1}, ofColumns, lambda)
					if (err != nil) != wantRefuse {
						t.Errorf("%s: refused %v (%v), the rule on κ̂₁ = %.3g says %v", what, err != nil, err, est, wantRefuse)
						continue
					}
					if err != nil {
						refused++
						continue
					}
					if math.Abs(got-est) <= 1e-6*est {
						estimated++
						continue
					}
					skipped++
					var eig mat.EigenSym
					if !eig.Factorize(&G, false) {
						t.Fatalf("%s: no eigenvalues", what)
					}
					ev := eig.Values(nil)
					if k2 := ev[m-1] / ev[0]; got < k2*(1-1e-12) || got*math.Sqrt(float64(m)) < est {
						t.Errorf("%s: skipped with κ = %.6g, below κ₂ = %.6g or κ̂₁/√m = %.6g", what, got, k2, est/math.Sqrt(float64(m)))
					}
				}
			}
		}
	}
	t.Logf("%d skipped, %d estimated, %d refused", skipped, estimated, refused)
	if skipped == 0 || estimated == 0 || refused == 0 {
		t.Errorf("paths taken: %d skipped, %d estimated, %d refused; want each", skipped, estimated, refused)
	}
}

// TestGramRCond checks gramRCond against LAPACK's Dpocon (lapack64.Pocon),
// the estimator it reimplements with plain triangular solves: on Gram
// matrices of planted X with κ(X) from 1 to 10⁷ (κ(G) up to 10¹⁴) the two
// reciprocal estimates agree to 10⁻⁶ relative; a factor whose solves
// overflow gives 0.
func TestGramRCond(t *testing.T) {
	const seed = 43
	rng := problem.New(seed)
	for _, m := range []int{1, 2, 9, 70} {
		for _, kappa := range []float64{1, 1e3, 1e7} {
			pl := problem.NewPlanted(rng, m+3, m, problem.GeometricSpectrum(m, kappa), 0)
			var G mat.SymDense
			G.SymOuterK(1, pl.X.T())
			g := G.RawSymmetric()
			anorm := lapack64.Lansy(lapack.MaxColumnSum, g, make([]float64, m))
			u, ok := lapack64.Potrf(g)
			if !ok {
				t.Fatalf("seed %d, m = %d, κ = %g: Cholesky failed", seed, m, kappa)
			}
			got := gramRCond(u, anorm)
			want := lapack64.Pocon(g, anorm, make([]float64, 3*m), make([]int, m))
			if math.Abs(got-want) > 1e-6*want {
				t.Errorf("seed %d, m = %d, κ = %g: rcond %.9g, Dpocon's %.9g", seed, m, kappa, got, want)
			}
		}
	}
	// U = [[2⁻⁶⁰⁰, 1], [0, 2⁻⁶⁰⁰]]: U⁻¹ has the entry −2¹²⁰⁰, which overflows.
	u := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: 2, Stride: 2, Data: []float64{0x1p-600, 1, 0, 0x1p-600}}
	if r := gramRCond(u, 2); r != 0 {
		t.Errorf("overflowing solve: rcond %g, want 0", r)
	}
}
