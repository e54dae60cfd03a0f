package solvers

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// SVD's contract: compile-time checks of the interfaces it documents.
var (
	_ Pseudoinverter = (*SVD)(nil)
	_ MultiSolver    = (*SVD)(nil)
	_ Reporter       = (*SVD)(nil)
)

// Helpers shared by the tests of the direct min-norm solvers (svd, cod, qr,
// normal, newton-schulz), prefixed "direct" to stay out of other files' way.

const directU = 0x1p-53 // unit roundoff u

// directShapes are the shapes every direct solver is tried on: tall, wide,
// square, and the interpolation threshold |n − p| ≤ 2.
var directShapes = [][2]int{{1, 1}, {2, 1}, {1, 3}, {12, 5}, {5, 12}, {9, 9}, {9, 10}, {10, 9}, {9, 11}, {11, 9}, {30, 24}}

// directBackwardTol is the forward-error bound of a backward-stable
// least-squares solver on a planted problem (Wedin's perturbation bound, as
// in theory.md):
//
//	‖w − w*‖/‖w*‖ ≤ c·u·(κ + κ²‖r‖/(σ₁‖w*‖)),  c = 30·max(n, p),
//
// where c is LAPACK's least-squares test threshold 30 in units of
// max(n, p)·u (TESTING/LIN). The planted W itself is exact only to about
// κ·u for the stored X (problem.NewPlanted), which the bound covers.
func directBackwardTol(pl *problem.Planted) float64 {
	n, p := pl.X.Dims()
	kappa := pl.Cond()
	rho := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
	return 30 * float64(max(n, p)) * directU * (kappa + kappa*kappa*rho)
}

// directRelErr returns ‖got − want‖₂/‖want‖₂ (‖got‖₂ when want = 0).
func directRelErr(got, want mat.Vector) float64 {
	d := mat.NewVecDense(want.Len(), nil)
	d.SubVec(got, want)
	if nw := mat.Norm(want, 2); nw > 0 {
		return mat.Norm(d, 2) / nw
	}
	return mat.Norm(d, 2)
}

// directMatRelErr returns ‖A − B‖_F/‖B‖_F.
func directMatRelErr(A, B mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(A, B)
	return mat.Norm(&d, 2) / mat.Norm(B, 2)
}

// directPlantedPinv returns V·diag(1/σ)·Uᵀ, the planted pseudoinverse.
func directPlantedPinv(pl *problem.Planted) *mat.Dense {
	VS := mat.DenseCopyOf(pl.V)
	VS.Apply(func(i, j int, v float64) float64 { return v / pl.Sigma[j] }, VS)
	var P mat.Dense
	P.Mul(VS, pl.U.T())
	return &P
}

// directCheckSolve solves the planted problem with s, checks the error
// against tol and that neither X nor y was modified.
func directCheckSolve(t *testing.T, s Solver, pl *problem.Planted, tol float64, what string) {
	t.Helper()
	X0, y0 := mat.DenseCopyOf(pl.X), mat.VecDenseCopyOf(pl.Y)
	w, err := s.Solve(pl.X, pl.Y)
	if err != nil {
		t.Fatalf("%s: %s on %#v: unexpected error %v", what, s.Name(), pl, err)
	}
	if !mat.Equal(X0, pl.X) || !mat.Equal(y0, pl.Y) {
		t.Fatalf("%s: %s modified its input", what, s.Name())
	}
	if e := directRelErr(w, pl.W); !(e <= tol) {
		t.Errorf("%s: %s on %#v: relative error %.3g > tolerance %.3g", what, s.Name(), pl, e, tol)
	}
}

// directPenrose returns the largest relative residual of the four Penrose
// conditions for P ≈ X⁺, each in the Frobenius norm.
func directPenrose(X, P mat.Matrix) float64 {
	var XP, PX, XPX, PXP mat.Dense
	XP.Mul(X, P)
	PX.Mul(P, X)
	XPX.Mul(&XP, X)
	PXP.Mul(P, &XP)
	worst := math.Max(directMatRelErr(&XPX, X), directMatRelErr(&PXP, P))
	worst = math.Max(worst, directMatRelErr(XP.T(), &XP))
	return math.Max(worst, directMatRelErr(PX.T(), &PX))
}

// directConcurrent calls Solve from several goroutines on shared inputs; run
// with -race it catches shared mutable state, and it checks every goroutine
// gets the same bits.
func directConcurrent(t *testing.T, s Solver, X mat.Matrix, y mat.Vector) {
	t.Helper()
	want, err := s.Solve(X, y)
	if err != nil {
		t.Fatalf("%s: %v", s.Name(), err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := s.Solve(X, y)
			switch {
			case err != nil:
				errs <- err
			case !mat.Equal(w, want):
				errs <- fmt.Errorf("%s: concurrent Solve gave different bits", s.Name())
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// directHandCase is a small problem whose min-norm solution is known in
// closed form.
type directHandCase struct {
	name string
	X    *mat.Dense
	y    []float64
	want []float64
	rank int
}

// directHandCases returns fresh copies of the hand-derived cases.
func directHandCases() []directHandCase {
	return []directHandCase{
		// 1×1: 6/3.
		{"1x1", mat.NewDense(1, 1, []float64{3}), []float64{6}, []float64{2}, 1},
		// X = 2·vvᵀ, v = (1, 1)/√2, so X⁺ = vvᵀ/2 = X/4 and X⁺(1, 3) = (1, 1).
		{"rank1-square", mat.NewDense(2, 2, []float64{1, 1, 1, 1}), []float64{1, 3}, []float64{1, 1}, 1},
		// A row x: x⁺ = xᵀ/‖x‖², so (1 2 2)⁺·9 = (1, 2, 2).
		{"wide-row", mat.NewDense(1, 3, []float64{1, 2, 2}), []float64{9}, []float64{1, 2, 2}, 1},
		// A column: the mean of y.
		{"tall-column", mat.NewDense(2, 1, []float64{1, 1}), []float64{1, 3}, []float64{2}, 1},
		// Duplicate columns split the weight: [x x]⁺y = (x⁺y/2)(1, 1), and
		// x⁺(9, 0, 0) = 9/9 = 1 for x = (1, 2, 2).
		{"duplicate-columns", mat.NewDense(3, 2, []float64{1, 1, 2, 2, 2, 2}), []float64{9, 0, 0}, []float64{0.5, 0.5}, 1},
		// Inconsistent diagonal: the zero row's data is residual.
		{"diag-with-zero", mat.NewDense(3, 2, []float64{2, 0, 0, 4, 0, 0}), []float64{2, 8, 5}, []float64{1, 2}, 2},
		// Wide full row rank: X = [I₂ I₂]/1, X⁺ = Xᵀ/2, X⁺(2, 4) = (1, 2, 1, 2).
		{"wide-identity-pair", mat.NewDense(2, 4, []float64{1, 0, 1, 0, 0, 1, 0, 1}), []float64{2, 4}, []float64{1, 2, 1, 2}, 2},
	}
}

// directCheckHand runs s on the hand-derived cases; when wantRank is set it
// also checks the reported rank.
func directCheckHand(t *testing.T, s Reporter, wantRank bool) {
	t.Helper()
	for _, c := range directHandCases() {
		w, rep, err := s.SolveReport(c.X, mat.NewVecDense(len(c.y), c.y))
		if err != nil {
			t.Errorf("%s %s: %v", s.Name(), c.name, err)
			continue
		}
		if e := directRelErr(w, mat.NewVecDense(len(c.want), c.want)); e > 8*directU {
			t.Errorf("%s %s: got %v, want %v (relative error %.3g > 8u)", s.Name(), c.name, mat.Formatted(w.T()), c.want, e)
		}
		if wantRank && rep.Rank != c.rank {
			t.Errorf("%s %s: rank %d, want %d", s.Name(), c.name, rep.Rank, c.rank)
		}
	}
}

// TestSVDHandDerived checks small cases whose pseudoinverse is known in
// closed form, within 8u.
func TestSVDHandDerived(t *testing.T) { directCheckHand(t, NewSVD(), true) }

// TestSVDCutoffBoundary checks the rank cut-off σ_i > ε·max(n, p)·σ₁ exactly
// on a diagonal X, whose SVD is computed without rounding (every Householder
// reflector of the bidiagonalization is the identity), and with a margin on
// a rotated one.
func TestSVDCutoffBoundary(t *testing.T) {
	cut := svdDefaultRCond(2, 2) // 2⁻⁵¹
	for _, c := range []struct {
		delta float64
		rank  int
	}{
		{cut, 1},                    // at the cut-off: treated as zero
		{math.Nextafter(cut, 2), 2}, // one ulp above: kept
		{cut / 2, 1},
	} {
		X := mat.NewDense(2, 2, []float64{1, 0, 0, c.delta})
		y := mat.NewVecDense(2, []float64{1, c.delta})
		w, rep, err := NewSVD().SolveReport(X, y)
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{1, 0}
		if c.rank == 2 {
			want[1] = 1
		}
		if rep.Rank != c.rank || w.AtVec(0) != want[0] || w.AtVec(1) != want[1] {
			t.Errorf("σ₂ = %v (cut-off %v): rank %d, w = %v; want rank %d, w = %v",
				c.delta, cut, rep.Rank, mat.Formatted(w.T()), c.rank, want)
		}
	}

	// A rotated 6×6 with σ = (1, 1, 1, 1, 1, δ): the computed σ₆ is within a
	// few u·σ₁ of δ, so δ a factor 8 on either side of the cut-off 6ε is
	// classified without doubt.
	const seed = 7
	for _, c := range []struct {
		factor float64
		rank   int
	}{{8, 6}, {1.0 / 8, 5}} {
		sigma := []float64{1, 1, 1, 1, 1, c.factor * svdDefaultRCond(6, 6)}
		pl := problem.NewPlanted(problem.New(seed), 6, 6, sigma, 0)
		_, rep, err := NewSVD().SolveReport(pl.X, pl.Y)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rank != c.rank {
			t.Errorf("seed %d: σ₆ = %g·cut-off: rank %d, want %d", seed, c.factor, rep.Rank, c.rank)
		}
	}

	// WithRCond overrides the relative cut-off: σ = (1, 10⁻³, 10⁻⁶).
	X := mat.NewDense(3, 3, []float64{1, 0, 0, 0, 1e-3, 0, 0, 0, 1e-6})
	y := mat.NewVecDense(3, []float64{1, 1, 1})
	for _, c := range []struct {
		rcond float64
		rank  int
	}{{1e-4, 2}, {1e-2, 1}, {0, 3}, {1e-7, 3}} {
		w, rep, err := NewSVD(WithRCond(c.rcond)).SolveReport(X, y)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rank != c.rank {
			t.Errorf("WithRCond(%g): rank %d, want %d", c.rcond, rep.Rank, c.rank)
		}
		for i, want := range []float64{1, 1e3, 1e6} {
			if i >= c.rank {
				want = 0
			}
			if got := w.AtVec(i); math.Abs(got-want) > 4*directU*want {
				t.Errorf("WithRCond(%g): w[%d] = %v, want %v", c.rcond, i, got, want)
			}
		}
		if want := 1 / []float64{1, 1e-3, 1e-6}[c.rank-1]; math.Abs(rep.Cond-want) > 4*directU*want {
			t.Errorf("WithRCond(%g): Cond %v, want %v", c.rcond, rep.Cond, want)
		}
	}
	// WithRCond(0) keeps a singular value of 10⁻³⁰⁰.
	w, err := NewSVD(WithRCond(0)).Solve(mat.NewDense(2, 2, []float64{1, 0, 0, 1e-300}), mat.NewVecDense(2, []float64{0, 1e-300}))
	if err != nil || w.AtVec(1) != 1 {
		t.Errorf("WithRCond(0) on σ₂ = 1e-300: w = %v, err = %v; want w[1] = 1", w, err)
	}
	// Out-of-range cut-offs are bad parameters.
	for _, r := range []float64{-1, 1, math.NaN()} {
		if _, err := NewSVD(WithRCond(r)).Solve(X, y); !errors.Is(err, ErrBadParameter) {
			t.Errorf("WithRCond(%v): err = %v, want ErrBadParameter", r, err)
		}
	}
}

// TestSVDPlanted checks the forward error on planted problems, full rank and
// rank-deficient, consistent and not, against directBackwardTol.
func TestSVDPlanted(t *testing.T) { directCheckPlantedRank(t, NewSVD(), 0) }

// TestSVDPinv checks Pinv against the planted pseudoinverse, the Penrose
// conditions, Pinv·y = Solve(y), and exact power-of-two scaling.
func TestSVDPinv(t *testing.T) {
	const seed = 11
	for _, sh := range [][2]int{{8, 5}, {5, 8}, {7, 7}} {
		n, p := sh[0], sh[1]
		kappa := 1e4
		pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(min(n, p)-1, kappa), 0.5)
		P, err := NewSVD().Pinv(pl.X)
		if err != nil {
			t.Fatal(err)
		}
		if r, c := P.Dims(); r != p || c != n {
			t.Fatalf("Pinv of %d×%d is %d×%d", n, p, r, c)
		}
		// Each entry of X⁺ has absolute perturbation about κ²·u·‖X⁺‖ (the
		// Wedin bound for the pseudoinverse of a rank-preserving perturbation).
		tol := 30 * float64(max(n, p)) * directU * kappa
		if e := directMatRelErr(P, directPlantedPinv(pl)); e > tol {
			t.Errorf("%#v: ‖P − X⁺‖/‖X⁺‖ = %.3g > %.3g", pl, e, tol)
		}
		if e := directPenrose(pl.X, P); e > tol*kappa {
			t.Errorf("%#v: Penrose residual %.3g > %.3g", pl, e, tol*kappa)
		}
		var Py mat.VecDense
		Py.MulVec(P, pl.Y)
		w, _ := NewSVD().Solve(pl.X, pl.Y)
		if e := directRelErr(&Py, w); e > tol {
			t.Errorf("%#v: Pinv·y differs from Solve by %.3g", pl, e)
		}
		// X·2⁴⁰ has pseudoinverse X⁺·2⁻⁴⁰ bit for bit: the pipeline scales
		// by powers of two.
		var big mat.Dense
		big.Scale(0x1p40, pl.X)
		Pb, err := NewSVD().Pinv(&big)
		if err != nil {
			t.Fatal(err)
		}
		Pb.Scale(0x1p40, Pb)
		if !mat.Equal(Pb, P) {
			t.Errorf("%#v: Pinv(2⁴⁰X)·2⁴⁰ ≠ Pinv(X)", pl)
		}
	}
	// The zero matrix: 0⁺ = 0ᵀ.
	P, err := NewSVD().Pinv(mat.NewDense(2, 3, nil))
	if err != nil || !mat.Equal(P, mat.NewDense(3, 2, nil)) {
		t.Errorf("Pinv(0): %v, %v", P, err)
	}
}

// TestSVDSolveMany checks that SolveMany's columns are the planted solutions
// and agree with Solve column by column.
func TestSVDSolveMany(t *testing.T) {
	directCheckSolveMany(t, NewSVD())
}

// directCheckSolveMany solves k = 4 planted right-hand sides at once.
func directCheckSolveMany(t *testing.T, s MultiSolver) {
	t.Helper()
	const seed = 23
	for _, sh := range [][2]int{{9, 6}, {6, 9}, {8, 8}} {
		n, p := sh[0], sh[1]
		rng := problem.New(seed)
		pl := problem.NewPlanted(rng, n, p, problem.GeometricSpectrum(min(n, p), 100), 0)
		// Four consistent right-hand sides X·W with W in the row space.
		C := problem.Gaussian(rng, min(n, p), 4)
		var W, Y mat.Dense
		W.Mul(pl.V, C)
		Y.Mul(pl.X, &W)
		Y0 := mat.DenseCopyOf(&Y)
		got, err := s.SolveMany(pl.X, &Y)
		if err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		if !mat.Equal(Y0, &Y) {
			t.Fatalf("%s: SolveMany modified Y", s.Name())
		}
		if r, c := got.Dims(); r != p || c != 4 {
			t.Fatalf("%s: SolveMany returned %d×%d, want %d×4", s.Name(), r, c, p)
		}
		tol := 30 * float64(max(n, p)) * directU * pl.Cond()
		if s.Name() == "normal" {
			tol *= pl.Cond() // the normal equations square κ
		}
		for j := 0; j < 4; j++ {
			if e := directRelErr(got.ColView(j), W.ColView(j)); e > tol {
				t.Errorf("%s %d×%d column %d: relative error %.3g > %.3g", s.Name(), n, p, j, e, tol)
			}
			w, err := s.Solve(pl.X, Y.ColView(j))
			if err != nil {
				t.Fatal(err)
			}
			if e := directRelErr(got.ColView(j), w); e > tol {
				t.Errorf("%s %d×%d column %d: SolveMany and Solve differ by %.3g", s.Name(), n, p, j, e)
			}
		}
	}
	// A zero Y gives a zero W; a row-count mismatch is ErrShape.
	X := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 7})
	W, err := s.SolveMany(X, mat.NewDense(3, 2, nil))
	if err != nil || !mat.Equal(W, mat.NewDense(2, 2, nil)) {
		t.Errorf("%s: SolveMany(X, 0) = %v, %v", s.Name(), W, err)
	}
	if _, err := s.SolveMany(X, mat.NewDense(4, 2, nil)); !errors.Is(err, ErrShape) {
		t.Errorf("%s: SolveMany with 4 rows of Y for 3 of X: err = %v, want ErrShape", s.Name(), err)
	}
}

// TestSVDConcurrent runs one SVD solver from several goroutines.
func TestSVDConcurrent(t *testing.T) {
	pl := problem.NewPlanted(problem.New(3), 20, 20, problem.GeometricSpectrum(18, 1e3), 0.1)
	directConcurrent(t, NewSVD(), pl.X, pl.Y)
}
