package solvers

import (
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// TestCODHandDerived checks small cases whose pseudoinverse is known in
// closed form, within 8u, and their ranks.
func TestCODHandDerived(t *testing.T) { directCheckHand(t, NewCOD(), true) }

// TestCODCutoffBoundary checks the rule |R_ii| > ε·max(n, p)·|R₁₁| exactly on
// a diagonal X, whose pivoted QR is computed without rounding (every
// Householder reflector is the identity), and WithRCond.
func TestCODCutoffBoundary(t *testing.T) {
	cut := svdDefaultRCond(2, 2)
	for _, c := range []struct {
		delta float64
		rank  int
	}{
		{cut, 1},
		{math.Nextafter(cut, 2), 2},
		{cut / 2, 1},
	} {
		// The small entry first, so that the pivoting must swap the columns.
		X := mat.NewDense(2, 2, []float64{c.delta, 0, 0, 1})
		y := mat.NewVecDense(2, []float64{c.delta, 1})
		w, rep, err := NewCOD().SolveReport(X, y)
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{0, 1}
		if c.rank == 2 {
			want[0] = 1
		}
		// Rounding in applying the reflector that swaps the rows leaves w
		// within a few u of the exact answer; the rank decision is exact.
		if rep.Rank != c.rank || directRelErr(w, mat.NewVecDense(2, want)) > 4*directU {
			t.Errorf("|R₂₂| = %v (cut-off %v): rank %d, w = %v; want rank %d, w = %v",
				c.delta, cut, rep.Rank, mat.Formatted(w.T()), c.rank, want)
		}
	}
	X := mat.NewDense(3, 3, []float64{1e-6, 0, 0, 0, 1, 0, 0, 0, 1e-3})
	y := mat.NewVecDense(3, []float64{1, 1, 1})
	for _, c := range []struct {
		rcond float64
		want  []float64
	}{
		{1e-4, []float64{0, 1, 1e3}},
		{1e-2, []float64{0, 1, 0}},
		{0, []float64{1e6, 1, 1e3}},
	} {
		w, rep, err := NewCOD(WithRCond(c.rcond)).SolveReport(X, y)
		if err != nil {
			t.Fatal(err)
		}
		if e := directRelErr(w, mat.NewVecDense(3, c.want)); e > 4*directU {
			t.Errorf("WithRCond(%g): w = %v, want %v (rank %d)", c.rcond, mat.Formatted(w.T()), c.want, rep.Rank)
		}
	}
}

// TestCODPlanted checks the forward error on planted problems, full rank and
// rank-deficient (with a gap of at least 10⁸ down to the rounding-level
// singular values, so pivoted QR reveals the rank), against directBackwardTol.
func TestCODPlanted(t *testing.T) { directCheckPlantedRank(t, NewCOD(), 100) }

// TestCODPinv checks Pinv against the planted pseudoinverse and the Penrose
// conditions, with the tolerances of TestSVDPinv, at planted rank
// min(n, p) − 1 (rank 1 for 1×1).
func TestCODPinv(t *testing.T) {
	directCheckPinv(t, NewCOD(), 12, func(k int) int { return max(1, k-1) })
}

// TestCODSolveMany checks SolveMany against planted solutions and Solve.
func TestCODSolveMany(t *testing.T) { directCheckSolveMany(t, NewCOD()) }

// TestCODConcurrent runs one COD solver from several goroutines.
func TestCODConcurrent(t *testing.T) {
	pl := problem.NewPlanted(problem.New(4), 20, 24, problem.GeometricSpectrum(17, 1e3), 0.1)
	directConcurrent(t, NewCOD(), pl.X, pl.Y)
}

// TestCODKahanLimit checks the classical failure of pivoted-QR rank
// detection, now caught by step 2 of the rank rule: on Kahan's 90×90 matrix
// with c = 0.4 (columns shrunk by 1 − 100·ε·j so that the pivoting keeps the
// natural order, as in Golub & Van Loan) σ_min/σ_max ≈ 9·10⁻¹⁸ lies below the
// cut-off, but |R_nn|/|R₁₁| ≈ 4·10⁻⁴ hides it from the diagonal test alone.
// Both "svd" and "cod" must find rank 89.
func TestCODKahanLimit(t *testing.T) {
	const n, c = 90, 0.4
	s := math.Sqrt(1 - c*c)
	K := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		si := math.Pow(s, float64(i))
		for j := i; j < n; j++ {
			v := -c * si
			if j == i {
				v = si
			}
			K.Set(i, j, v*(1-100*0x1p-52*float64(j)))
		}
	}
	y := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		y.SetVec(i, 1)
	}
	_, rs, err := NewSVD().SolveReport(K, y)
	if err != nil {
		t.Fatal(err)
	}
	_, rc, err := NewCOD().SolveReport(K, y)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Rank != n-1 || rc.Rank != n-1 {
		t.Errorf("Kahan %d×%d: svd rank %d, cod rank %d, want %d", n, n, rs.Rank, rc.Rank, n-1)
	}
}

// TestCODSingularPermuted is the regression test for the bug step 2 of the
// rank rule fixes (found by props' equivariance property through "sketch"):
// the rows of an exactly singular 2×2 matrix, swapped, left the QR's own
// rounding at |R₂₂|/|R₁₁| ≈ 2.006·ε, above the cut-off 2ε, and "cod" returned
// a vector of norm 10¹⁵. Hand-derived oracle: X = u·vᵀ in floating point has
// determinant exactly 0 here (checked below), so X⁺y = v·(uᵀy)/(‖u‖²‖v‖²) up
// to rounding, and both orders must give it to within 30·max(n,p)·u relative.
func TestCODSingularPermuted(t *testing.T) {
	rows := [2][2]float64{{0.11631689039870434, -0.115847967297325}, {-0.04479811231894143, 0.04461751198056811}}
	y := [2]float64{0.4931541552398304, 0.0006621556066979672}
	if det := rows[0][0]*rows[1][1] - rows[0][1]*rows[1][0]; det != 0 {
		t.Fatalf("test matrix is not exactly singular: det = %v", det)
	}
	// The rank-one oracle: X = a·bᵀ with b = row 0 and a = (1, row1/row0).
	b := mat.NewVecDense(2, []float64{rows[0][0], rows[0][1]})
	a := mat.NewVecDense(2, []float64{1, rows[1][0] / rows[0][0]})
	ya := y[0]*a.AtVec(0) + y[1]*a.AtVec(1)
	want := mat.NewVecDense(2, nil)
	want.ScaleVec(ya/(mat.Dot(a, a)*mat.Dot(b, b)), b)
	for _, swap := range []bool{false, true} {
		i0, i1 := 0, 1
		if swap {
			i0, i1 = 1, 0
		}
		X := mat.NewDense(2, 2, []float64{rows[i0][0], rows[i0][1], rows[i1][0], rows[i1][1]})
		yy := mat.NewVecDense(2, []float64{y[i0], y[i1]})
		w, rep, err := NewCOD().SolveReport(X, yy)
		if err != nil {
			t.Fatal(err)
		}
		var d mat.VecDense
		d.SubVec(w, want)
		if rel := mat.Norm(&d, 2) / mat.Norm(want, 2); rep.Rank != 1 || rel > 30*2*0x1p-53 {
			t.Errorf("swap=%v: rank %d, w = %v, want %v (relative error %.3g)", swap, rep.Rank, w.RawVector().Data, want.RawVector().Data, rel)
		}
	}
}
