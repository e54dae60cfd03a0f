package solvers

import (
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
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
	for _, c := range codDiagCutoffCases {
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

// codPaths are COD solvers forced onto each of its paths: "direct" runs the
// pivoted QR on X itself, "reduced" on the triangle of a QR (tall and square
// X) or LQ (wide X) factorization first, and "auto" (the default) finishes
// from that triangle without pivoting when the full-rank certificate holds.
// Every test below runs on all three, so each path meets the same oracle.
func codPaths(opts ...Option) map[string]*COD {
	return map[string]*COD{
		"direct":  {cfg: newConfig(optRCond, opts), mode: codDirect},
		"reduced": {cfg: newConfig(optRCond, opts), mode: codReduced},
		"auto":    {cfg: newConfig(optRCond, opts), mode: codAuto},
	}
}

// TestCODPathsPlanted runs the planted-rank, pseudoinverse and SolveMany
// checks of TestCODPlanted, TestCODPinv and TestCODSolveMany on every path.
func TestCODPathsPlanted(t *testing.T) {
	for name, s := range codPaths() {
		t.Run(name, func(t *testing.T) {
			directCheckPlantedRank(t, s, 200)
			directCheckPinv(t, s, 13, func(k int) int { return max(1, k-1) })
			directCheckPinv(t, s, 14, func(k int) int { return k })
			directCheckSolveMany(t, s)
		})
	}
}

// TestCODShapes checks the default solver on the shapes where its choice of
// path changes (square X goes the tall way, X one column wider the wide
// way) and on strongly tall X; full rank and rank-deficient, against the
// planted solution, and the forced paths on the same problems.
func TestCODShapes(t *testing.T) {
	const short = 10
	seed := uint64(300)
	for _, sh := range [][2]int{{4*short - 1, short}, {4 * short, short}, {short, short}, {short, short + 1}, {short + 1, short}} {
		n, p := sh[0], sh[1]
		for _, rank := range []int{short, short - 3} {
			seed++
			pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(rank, 1e4), 0.5)
			tol := directBackwardTol(pl)
			what := fmt.Sprintf("seed %d", seed)
			directCheckSolve(t, NewCOD(), pl, tol, what)
			for name, s := range codPaths() {
				w, rep, err := s.SolveReport(pl.X, pl.Y)
				if err != nil {
					t.Fatalf("%s %s: %v", name, what, err)
				}
				if e := directRelErr(w, pl.W); rep.Rank != rank || e > tol {
					t.Errorf("%s %s %#v: rank %d, relative error %.3g; want rank %d, error ≤ %.3g", name, what, pl, rep.Rank, e, rank, tol)
				}
			}
		}
	}
}

// TestCODDuplicateColumns checks X = [A A] (rank-deficient however A is
// shaped), whose pseudoinverse is X⁺ = ½·[A⁺; A⁺]: with A = U·Σ·Vᵀ and
// J = [I I]/√2 (orthonormal rows), X = U·(√2·Σ)·(Jᵀ·V)ᵀ is an SVD, so
// X⁺ = Jᵀ·V·Σ⁻¹·Uᵀ/√2. The oracle is A's planted solution; the tolerance is
// directBackwardTol's with X's dimensions.
func TestCODDuplicateColumns(t *testing.T) {
	seed := uint64(400)
	for _, sh := range [][2]int{{40, 10}, {25, 10}, {12, 10}, {10, 12}, {8, 30}, {5, 9}} {
		n, h := sh[0], sh[1]
		for _, rank := range []int{min(n, h), max(1, min(n, h)-2)} {
			seed++
			pl := problem.NewPlanted(problem.New(seed), n, h, problem.GeometricSpectrum(rank, 1e3), 0.5)
			X := mat.NewDense(n, 2*h, nil)
			X.Slice(0, n, 0, h).(*mat.Dense).Copy(pl.X)
			X.Slice(0, n, h, 2*h).(*mat.Dense).Copy(pl.X)
			want := mat.NewVecDense(2*h, nil)
			for j := 0; j < h; j++ {
				want.SetVec(j, pl.W.AtVec(j)/2)
				want.SetVec(h+j, pl.W.AtVec(j)/2)
			}
			rho := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
			tol := 30 * float64(max(n, 2*h)) * directU * (pl.Cond() + pl.Cond()*pl.Cond()*rho)
			for name, s := range codPaths() {
				w, rep, err := s.SolveReport(X, pl.Y)
				if err != nil {
					t.Fatalf("%s seed %d: %v", name, seed, err)
				}
				if e := directRelErr(w, want); rep.Rank != rank || e > tol {
					t.Errorf("%s [A A] with A %#v: rank %d, relative error %.3g; want rank %d, error ≤ %.3g", name, pl, rep.Rank, e, rank, tol)
				}
			}
		}
	}
}

// TestCODZeroRows checks X with zero rows interleaved among the rows of a
// planted A: X⁺ = [A⁺ 0] up to the row order, so X⁺y = A⁺y_A whatever y
// holds in the zero rows, and rank(X) = rank(A). The zero rows make the
// wide cases rank-deficient (rank ≤ rows of A < n) and the tall ones
// inconsistent.
func TestCODZeroRows(t *testing.T) {
	seed := uint64(500)
	for _, sh := range [][3]int{{30, 10, 15}, {10, 10, 5}, {10, 30, 8}, {12, 15, 6}} {
		m, p, zeros := sh[0], sh[1], sh[2] // A is m×p; X has m + zeros rows
		n := m + zeros
		seed++
		pl := problem.NewPlanted(problem.New(seed), m, p, problem.GeometricSpectrum(min(m, p), 1e3), 0.5)
		X := mat.NewDense(n, p, nil)
		y := mat.NewVecDense(n, nil)
		rng := problem.New(seed + 1000)
		for i, ia := 0, 0; i < n; i++ {
			if ia < m && (i%2 == 0 || n-i == m-ia) { // zero rows at odd i while both last
				X.SetRow(i, mat.Row(nil, ia, pl.X))
				y.SetVec(i, pl.Y.AtVec(ia))
				ia++
				continue
			}
			y.SetVec(i, rng.NormFloat64())
		}
		tol := 30 * float64(max(n, p)) * directU * (pl.Cond() + pl.Cond()*pl.Cond()*(mat.Norm(pl.R, 2)+mat.Norm(y, 2))/(pl.Sigma[0]*mat.Norm(pl.W, 2)))
		for name, s := range codPaths() {
			w, rep, err := s.SolveReport(X, y)
			if err != nil {
				t.Fatalf("%s seed %d: %v", name, seed, err)
			}
			if e := directRelErr(w, pl.W); rep.Rank != min(m, p) || e > tol {
				t.Errorf("%s %d×%d with A %#v: rank %d, relative error %.3g; want rank %d, error ≤ %.3g", name, n, p, pl, rep.Rank, e, min(m, p), tol)
			}
		}
	}
}

// codDiagCutoffCases are the hand-derived answers X⁺y at cut-off rcond for
// X = diag(10⁻⁶, 1, 10⁻³) and y = (1, 1, 1): entries whose σ is at most
// rcond·σ₁ are dropped.
var codDiagCutoffCases = []struct {
	rcond float64
	want  []float64
}{
	{1e-4, []float64{0, 1, 1e3}},
	{1e-2, []float64{0, 1, 0}},
	{0, []float64{1e6, 1, 1e3}},
}

// TestCODPathsCutoff is TestCODCutoffBoundary's WithRCond case padded to a
// tall [D; 0] and a wide [D 0], D = diag(10⁻⁶, 1, 10⁻³): the hand-derived
// answers are D⁺ applied to the first three entries of y (tall) and
// [D⁺y; 0] (wide), on both paths and for every cut-off.
func TestCODPathsCutoff(t *testing.T) {
	d := []float64{1e-6, 1, 1e-3}
	for _, c := range codDiagCutoffCases {
		for _, tall := range []bool{true, false} {
			n, p := 7, 3
			if !tall {
				n, p = 3, 7
			}
			X := mat.NewDense(n, p, nil)
			for i, v := range d {
				X.Set(i, i, v)
			}
			y := mat.NewVecDense(n, nil)
			for i := 0; i < n; i++ {
				y.SetVec(i, 1)
			}
			want := mat.NewVecDense(p, nil)
			for i, v := range c.want {
				want.SetVec(i, v)
			}
			for name, s := range codPaths(WithRCond(c.rcond)) {
				w, rep, err := s.SolveReport(X, y)
				if err != nil {
					t.Fatal(err)
				}
				if e := directRelErr(w, want); e > 4*directU {
					t.Errorf("%s %d×%d WithRCond(%g): w = %v, want %v (rank %d)", name, n, p, c.rcond, mat.Formatted(w.T()), c.want, rep.Rank)
				}
			}
		}
	}
}

// TestCODPivotedQR checks pivotedQR against its definition on odd shapes,
// panel widths and a strided matrix: Q·R = M·P to within a small multiple
// of u·‖M‖ (Householder QR is backward stable), R upper triangular with a
// non-increasing diagonal in magnitude (Businger–Golub pivoting takes the
// column of largest remaining norm, and |R_jj| is that norm), Q from Ormlq
// orthogonal, and jpvt a permutation.
func TestCODPivotedQR(t *testing.T) {
	for _, nb := range []int{1, 3, 32} {
		checkPivotedQR(t, fmt.Sprintf("nb=%d", nb), func(mt blas64.General, jpvt []int, tau []float64) {
			pivotedQR(mt, jpvt, tau, nb)
		})
	}
}

// checkPivotedQR checks a step-1 factorization in pivotedQR's layout
// (pivotedQR, or LAPACK's dgeqp3 in the openblas build) as
// TestCODPivotedQR describes.
func checkPivotedQR(t *testing.T, name string, factor func(mt blas64.General, jpvt []int, tau []float64)) {
	t.Helper()
	rng := problem.New(600)
	for _, sh := range [][2]int{{1, 1}, {7, 3}, {3, 7}, {40, 40}, {70, 45}, {45, 70}} {
		m, q := sh[0], sh[1]
		M := problem.Gaussian(rng, m, q)
		// Scale columns so that the pivot order is not the natural one.
		for j := 0; j < q; j++ {
			s := math.Pow(10, float64((j*7)%5)-2)
			for i := 0; i < m; i++ {
				M.Set(i, j, s*M.At(i, j))
			}
		}
		// Mᵀ in a matrix with stride q+3, padded with NaN.
		const pad = 3
		mt := blas64.General{Rows: q, Cols: m, Stride: m + pad, Data: make([]float64, q*(m+pad))}
		for i := range mt.Data {
			mt.Data[i] = math.NaN()
		}
		for j := 0; j < q; j++ {
			for i := 0; i < m; i++ {
				mt.Data[j*mt.Stride+i] = M.At(i, j)
			}
		}
		k := min(m, q)
		jpvt := make([]int, q)
		tau := make([]float64, k)
		factor(mt, jpvt, tau)
		what := fmt.Sprintf("%d×%d %s", m, q, name)
		seen := make([]bool, q)
		for _, j := range jpvt {
			if j < 0 || j >= q || seen[j] {
				t.Fatalf("%s: jpvt = %v is not a permutation", what, jpvt)
			}
			seen[j] = true
		}
		R := mat.NewDense(m, q, nil)
		for j := 0; j < q; j++ {
			for i := 0; i <= min(j, m-1); i++ {
				R.Set(i, j, mt.Data[j*mt.Stride+i])
			}
			for i := m; i < mt.Stride; i++ {
				if !math.IsNaN(mt.Data[j*mt.Stride+i]) {
					t.Fatalf("%s: pivotedQR wrote outside the matrix", what)
				}
			}
		}
		for i := 1; i < k; i++ {
			if math.Abs(R.At(i, i)) > math.Abs(R.At(i-1, i-1))*(1+1e-12) {
				t.Errorf("%s: |R[%d,%d]| = %g > |R[%d,%d]| = %g", what, i, i, R.At(i, i), i-1, i-1, R.At(i-1, i-1))
			}
		}
		// Q·R, with Q = Q_lqᵀ applied by Ormlq.
		QR := blas64.General{Rows: m, Cols: q, Stride: q, Data: make([]float64, m*q)}
		copy(QR.Data, R.RawMatrix().Data)
		lead := blas64.General{Rows: k, Cols: m, Stride: mt.Stride, Data: mt.Data}
		work := codWork(func(query []float64) { lapack64.Ormlq(blas.Left, blas.Trans, lead, tau, QR, query, -1) })
		lapack64.Ormlq(blas.Left, blas.Trans, lead, tau, QR, work, len(work))
		MP := mat.NewDense(m, q, nil)
		for j := 0; j < q; j++ {
			MP.SetCol(j, mat.Col(nil, jpvt[j], M))
		}
		if e := directMatRelErr(mat.NewDense(m, q, QR.Data), MP); e > 10*float64(max(m, q))*directU {
			t.Errorf("%s: ‖Q·R − M·P‖/‖M‖ = %.3g", what, e)
		}
		// Q orthogonal: Qᵀ·Q = I, applying Qᵀ then Q to the identity.
		I := blas64.General{Rows: m, Cols: m, Stride: m, Data: identity(m).Data}
		work = codWork(func(query []float64) { lapack64.Ormlq(blas.Left, blas.NoTrans, lead, tau, I, query, -1) })
		lapack64.Ormlq(blas.Left, blas.NoTrans, lead, tau, I, work, len(work))
		lapack64.Ormlq(blas.Left, blas.Trans, lead, tau, I, work, len(work))
		if e := directMatRelErr(mat.NewDense(m, m, I.Data), mat.NewDense(m, m, identity(m).Data)); e > 10*float64(m)*directU {
			t.Errorf("%s: ‖QᵀQ − I‖/‖I‖ = %.3g", what, e)
		}
	}
}

// TestCODManyColumns checks SolveMany with 11 right-hand sides (more than
// the 8 from which blocked reflector application was once used) against the planted
// solutions and against Solve column by column (reflectors applied one at a
// time), and Pinv on the same rank-deficient X against the planted
// pseudoinverse and the Penrose conditions (tolerances of directCheckPinv),
// on both paths.
func TestCODManyColumns(t *testing.T) {
	const k = 11
	seed := uint64(700)
	for _, sh := range [][2]int{{20, 12}, {12, 20}, {15, 15}} {
		n, p := sh[0], sh[1]
		seed++
		rng := problem.New(seed)
		const kappa = 1e3
		pl := problem.NewPlanted(rng, n, p, problem.GeometricSpectrum(min(n, p)-2, kappa), 0)
		C := problem.Gaussian(rng, min(n, p)-2, k)
		var W, Y mat.Dense
		W.Mul(pl.V, C)
		Y.Mul(pl.X, &W)
		tol := 30 * float64(max(n, p)) * directU * kappa
		for name, s := range codPaths() {
			got, err := s.SolveMany(pl.X, &Y)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < k; j++ {
				w, err := s.Solve(pl.X, Y.ColView(j))
				if err != nil {
					t.Fatal(err)
				}
				if e := directRelErr(got.ColView(j), W.ColView(j)); e > tol {
					t.Errorf("%s %d×%d column %d: relative error %.3g > %.3g", name, n, p, j, e, tol)
				}
				if e := directRelErr(got.ColView(j), w); e > tol {
					t.Errorf("%s %d×%d column %d: SolveMany and Solve differ by %.3g", name, n, p, j, e)
				}
			}
			P, err := s.Pinv(pl.X)
			if err != nil {
				t.Fatal(err)
			}
			if e := directMatRelErr(P, directPlantedPinv(pl)); e > tol {
				t.Errorf("%s %d×%d: ‖P − X⁺‖/‖X⁺‖ = %.3g > %.3g", name, n, p, e, tol)
			}
			if e := directPenrose(pl.X, P); e > tol*kappa {
				t.Errorf("%s %d×%d: Penrose residual %.3g > %.3g", name, n, p, e, tol*kappa)
			}
		}
	}
}

// TestCODCertificate checks the full-rank certificate on the triangle of the
// unpivoted factorization of planted 40×25 and 25×40 X with a geometric
// spectrum: with rcond = ε·40 the certificate's threshold
// σ_min/σ_max > μ·rcond = 2²⁰·40·2⁻⁵² ≈ 9.3·10⁻⁹ (κ < 1.1·10⁸) must accept
// κ ≤ 10⁶ and refuse κ ≥ 10¹⁰ (within the estimates' factor-of-a-few
// accuracy of the threshold either way), and refuse every rank-deficient X.
// Without μ (or with the comparison turned round) κ = 10¹⁰ would be
// accepted; accepted and refused cases must then agree with the planted
// solution on the default path.
func TestCODCertificate(t *testing.T) {
	seed := uint64(900)
	for _, sh := range [][2]int{{40, 25}, {25, 40}, {40, 40}} {
		n, p := sh[0], sh[1]
		k := min(n, p)
		rcond := svdDefaultRCond(n, p)
		for _, c := range []struct {
			kappa float64
			rank  int
			want  bool
		}{{1, k, true}, {1e6, k, true}, {1e10, k, false}, {1e13, k, false}, {1e3, k - 1, false}, {1, 1, false}} {
			seed++
			pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(c.rank, c.kappa), 0.5)
			x := mat.DenseCopyOf(pl.X).RawMatrix()
			W := codCopyOf(x, 1, true)
			if n >= p {
				W = codTransposeOf(x, 1, true)
			}
			tau := make([]float64, k)
			codLQ(W, tau)
			if got := codFullRank(W, rcond); got != c.want {
				smin, smax := codSigmaEst(W, blas.Lower, k, codCertifySteps)
				t.Errorf("%d×%d κ = %.0e rank %d: certificate %t, want %t (σ̂_min/σ̂_max = %.3g, threshold %.3g)",
					n, p, c.kappa, c.rank, got, c.want, smin/smax, codCertify*rcond)
			}
			w, rep, err := NewCOD().SolveReport(pl.X, pl.Y)
			if err != nil {
				t.Fatal(err)
			}
			if tol := directBackwardTol(pl); rep.Rank != c.rank || directRelErr(w, pl.W) > tol {
				t.Errorf("%d×%d κ = %.0e rank %d: rank %d, relative error %.3g > %.3g", n, p, c.kappa, c.rank, rep.Rank, directRelErr(w, pl.W), tol)
			}
		}
	}
}

// TestCODOrmlqFew checks codOrmlqFew against lapack64.Ormlq (internal
// lapackfix's blocked code in the pure-Go build, LAPACK's in the openblas
// build) for Q and Qᵀ of LQ factorizations with fewer, as many and more
// columns than reflectors, on one to three strided columns.
func TestCODOrmlqFew(t *testing.T) {
	rng := problem.New(77)
	for _, sh := range [][3]int{{5, 9, 1}, {9, 9, 2}, {40, 70, 3}, {1, 4, 1}, {3, 3, 1}} {
		r, m, k := sh[0], sh[1], sh[2]
		a := problem.Gaussian(rng, r, m).RawMatrix()
		tau := make([]float64, r)
		codLQ(a, tau)
		for _, trans := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			c0 := problem.Gaussian(rng, m, k+2).RawMatrix() // k of k+2 columns: strided
			c := blas64.General{Rows: m, Cols: k, Stride: c0.Stride, Data: append([]float64(nil), c0.Data...)}
			want := blas64.General{Rows: m, Cols: k, Stride: c0.Stride, Data: append([]float64(nil), c0.Data...)}
			codOrmlqFew(trans, a, tau, c)
			work := codWork(func(query []float64) { lapack64.Ormlq(blas.Left, trans, a, tau, want, query, -1) })
			lapack64.Ormlq(blas.Left, trans, a, tau, want, work, len(work))
			for i := range c.Data {
				// Both apply the same reflectors in the same order; only the
				// association of the dot products differs: O(m·u) per entry
				// of a product of orthogonal matrices with a unit-size C.
				if d := math.Abs(c.Data[i] - want.Data[i]); d > 10*float64(m)*directU*(1+math.Abs(want.Data[i])) {
					t.Fatalf("r=%d m=%d k=%d trans=%v: entry %d is %v, want %v", r, m, k, trans, i, c.Data[i], want.Data[i])
				}
			}
		}
	}
}

// TestCODTransposeOf checks codTransposeOf on odd shapes, a strided view and
// both sides of its parallel threshold (2¹⁸ entries): every entry of the
// result is alpha·x[i][j] exactly, and x is untouched unless transposed in
// place (square, owned, alpha = 1).
func TestCODTransposeOf(t *testing.T) {
	rng := problem.New(12)
	for _, sh := range [][2]int{{1, 1}, {3, 70}, {70, 3}, {33, 33}, {600, 500}, {513, 1025}} {
		m, q := sh[0], sh[1]
		big := problem.Gaussian(rng, m+2, q+5).RawMatrix()
		x := blas64.General{Rows: m, Cols: q, Stride: big.Stride, Data: big.Data[big.Stride+1:]}
		for _, alpha := range []float64{1, 0x1p-7} {
			before := append([]float64(nil), big.Data...)
			T := codTransposeOf(x, alpha, false)
			if T.Rows != q || T.Cols != m {
				t.Fatalf("%d×%d: result is %d×%d", m, q, T.Rows, T.Cols)
			}
			for i := 0; i < m; i++ {
				for j := 0; j < q; j++ {
					if got, want := T.Data[j*T.Stride+i], alpha*x.Data[i*x.Stride+j]; got != want {
						t.Fatalf("%d×%d alpha %v: T[%d][%d] = %v, want %v", m, q, alpha, j, i, got, want)
					}
				}
			}
			for i := range before {
				if before[i] != big.Data[i] {
					t.Fatalf("%d×%d: x modified", m, q)
				}
			}
		}
	}
}

func BenchmarkCODTransposeOf(b *testing.B) {
	x := problem.Gaussian(problem.New(3), 2000, 1000).RawMatrix()
	for b.Loop() {
		codTransposeOf(x, 0.5, false)
	}
}
