package solvers

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

func TestLSQRPlanted(t *testing.T) {
	iterCheckPlanted(t, NewLSQR(), defaultIterTol, []float64{10, 100}, []float64{0, 1})
}

// TestLSQRLooseTol checks the forward-error bound where it is not swamped by
// rounding: with tol = 1e-6 the stopping rule leaves errors near the bound.
func TestLSQRLooseTol(t *testing.T) { iterCheckLooseTol(t, NewLSQR(WithTol(1e-6)), 1e-6, 100) }

func TestLSQRCap(t *testing.T) { iterCheckCap(t, NewLSQR(WithMaxIter(3))) }

func TestLSQRBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewLSQR(o...) }, WithSeed(1))
}

func TestLSQRIllConditioned(t *testing.T) { iterCheckIllConditioned(t, NewLSQR()) }

// TestLSQRReport checks that the reported condition estimate is of the order
// of the planted κ (Paige & Saunders' acond estimates ‖X‖_F‖X⁺‖_F, which lies
// between κ and √k·‖X‖_F/‖X‖₂·κ... bounded here by κ_F·√k) and that the
// iteration count is within the cap.
func TestLSQRReport(t *testing.T) {
	sh := iterShape{30, 20, 20}
	pl := iterPlanted(11, sh, 100, 0.5)
	_, rep, err := NewLSQR().SolveReport(pl.X, pl.Y)
	if err != nil {
		t.Fatal(err)
	}
	kappaF := mat.Norm(pl.X, 2) / pl.Sigma[sh.k-1]
	if rep.Cond < pl.Cond()/2 || rep.Cond > kappaF*math.Sqrt(float64(sh.k)) {
		t.Errorf("%#v: Cond = %.3g, want within [κ/2, √k·κ_F] = [%.3g, %.3g]", pl, rep.Cond, pl.Cond()/2, kappaF*math.Sqrt(float64(sh.k)))
	}
	if rep.Iterations < 1 || rep.Iterations > krylovCap(sh.n, sh.p) {
		t.Errorf("Iterations = %d outside [1, %d]", rep.Iterations, krylovCap(sh.n, sh.p))
	}
}

// iterAll returns every iterative solver of this package with defaults
// (the ridge ones at λ = 0, where they claim X⁺y).
func iterAll() []Solver {
	return []Solver{NewGD(), NewNesterov(), NewCGLS(), NewLSQR(), NewLSMR(), NewREK(), NewRidgeLSQR(0), NewRidgeGD(0)}
}

// TestIterDuplicateColumns checks an exactly rank-deficient X against a
// hand-derived answer: with X = [a, a, 2a] the least-squares fits are
// w₁ + w₂ + 2w₃ = c with c = aᵀy/‖a‖², and the min-norm one is
// w = c·(1, 1, 2)/6. Here a = (1, 2, 3, 4) and y = (1, 0, 0, 1) give
// c = 5/30 = 1/6, so w = (1, 1, 2)/36. κ over the non-zero spectrum is 1, so
// every solver must be accurate to a few ulps times its tolerance.
func TestIterDuplicateColumns(t *testing.T) {
	X := mat.NewDense(4, 3, []float64{1, 1, 2, 2, 2, 4, 3, 3, 6, 4, 4, 8})
	y := mat.NewVecDense(4, []float64{1, 0, 0, 1})
	want := mat.NewVecDense(3, []float64{1.0 / 36, 1.0 / 36, 2.0 / 36})
	for _, s := range iterAll() {
		w, err := s.Solve(X, y)
		if err != nil {
			t.Errorf("%s: %v", s.Name(), err)
			continue
		}
		// κ = 1 and ‖r‖/(‖X‖‖w‖) ≈ 3.5: the bound 10·tol·κ_F·(2 + κ·3.5)
		// with κ_F = 1 is below 1e-8.
		if e := iterRelErr(w, want); !(e <= 1e-8) {
			t.Errorf("%s: w = %v, want %v (relative error %.3g)", s.Name(), mat.Formatted(w.T()), mat.Formatted(want.T()), e)
		}
	}
}

// TestIterConcurrent checks that one solver value serves several goroutines
// at once with identical answers (run with -race to check for data races).
func TestIterConcurrent(t *testing.T) {
	pl := iterPlanted(950, iterShape{16, 12, 12}, 5, 0.5)
	for _, s := range iterAll() {
		want, err := s.Solve(pl.X, pl.Y)
		if err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		const workers = 4
		got := make(chan *mat.VecDense, workers)
		for i := 0; i < workers; i++ {
			go func() {
				w, _ := s.Solve(pl.X, pl.Y)
				got <- w
			}()
		}
		for i := 0; i < workers; i++ {
			if w := <-got; w == nil || !mat.Equal(w, want) {
				t.Errorf("%s: a concurrent solve differs", s.Name())
			}
		}
	}
}

// TestIterEdgeCases checks hand-derived answers on degenerate shapes: 1×1,
// a single row or column, a zero column and a zero row, y orthogonal to the
// range of X (X⁺y = 0 exactly), and entries near the overflow threshold
// (which the pipeline scales by a power of two).
func TestIterEdgeCases(t *testing.T) {
	cases := []struct {
		name string
		X    *mat.Dense
		y    []float64
		want []float64
	}{
		{"1×1", mat.NewDense(1, 1, []float64{2}), []float64{4}, []float64{2}},
		// One row: w = xᵀy/‖x‖² = (1, 2, 2)·9/9.
		{"1×3", mat.NewDense(1, 3, []float64{1, 2, 2}), []float64{9}, []float64{1, 2, 2}},
		// One column: w = xᵀy/‖x‖² = (3 + 8)/(1 + 4) = 11/5.
		{"2×1", mat.NewDense(2, 1, []float64{1, 2}), []float64{3, 4}, []float64{2.2}},
		// A zero column gets weight 0; a zero row's y is residual.
		{"zero column and row", mat.NewDense(3, 2, []float64{2, 0, 0, 0, 0, 0}), []float64{4, 5, 0}, []float64{2, 0}},
		// Xᵀy = 0: X⁺y = 0 exactly.
		{"y ⟂ range", mat.NewDense(2, 2, []float64{1, 0, 0, 0}), []float64{0, 1}, []float64{0, 0}},
		// Entries near 1e300: w = X⁻¹y with X = 1e300·diag(1, 2), y = 1e300·(1, 1).
		{"huge", mat.NewDense(2, 2, []float64{1e300, 0, 0, 2e300}), []float64{1e300, 1e300}, []float64{1, 0.5}},
	}
	for _, c := range cases {
		want := mat.NewVecDense(len(c.want), c.want)
		for _, s := range iterAll() {
			w, err := s.Solve(c.X, mat.NewVecDense(len(c.y), c.y))
			if err != nil {
				t.Errorf("%s %s: %v", s.Name(), c.name, err)
				continue
			}
			var d mat.VecDense
			d.SubVec(w, want)
			// κ = 1 or 2 on every case: a few ulps of ‖w*‖ (or of 1 when w* = 0).
			if e := mat.Norm(&d, 2); !(e <= 1e-12*math.Max(1, mat.Norm(want, 2))) {
				t.Errorf("%s %s: w = %v, want %v", s.Name(), c.name, mat.Formatted(w.T()), c.want)
			}
		}
	}
}

// nrm2Exact is ‖s‖₂ from the sum of squares in math/big (exact at 2200
// bits), rounded once.
func nrm2Exact(s []float64) float64 {
	sum := new(big.Float).SetPrec(2200)
	for _, x := range s {
		bx := new(big.Float).SetPrec(2200).SetFloat64(x)
		sum.Add(sum, bx.Mul(bx, bx))
	}
	r, _ := sum.Sqrt(sum).Float64()
	return r
}

// TestNrm2 checks the fast nrm2 against an exact oracle (the sum of squares
// in math/big, then one rounding of its square root) on vectors whose sum of
// squares overflows, underflows, is subnormal, or is ordinary, with odd
// lengths: the error must stay within Dnrm2's bound, (m + 2)·u relative.
func TestNrm2(t *testing.T) {
	exact := nrm2Exact
	rng := rand.New(rand.NewPCG(5, 7))
	for _, scale := range []float64{1, 0x1p-520, 0x1p-480, 0x1p-1060, 0x1p480, 0x1p520, 0x1p1000} {
		for _, m := range []int{1, 3, 17, 1001} {
			s := make([]float64, m)
			for i := range s {
				s[i] = scale * rng.NormFloat64()
			}
			s[rng.IntN(m)] = scale // at least one entry of size scale
			got, want := nrm2(s), exact(s)
			if tol := float64(m+2) * 0x1p-53 * want; math.Abs(got-want) > tol || math.IsInf(got, 0) || got == 0 {
				t.Errorf("scale %g, m = %d: nrm2 = %.17g, exact %.17g", scale, m, got, want)
			}
		}
	}
	// Mixed magnitudes: 2⁵²⁰ overflows the plain sum, 2⁻⁶⁰⁰ underflows.
	if got := nrm2([]float64{0x1p520, 0x1p-600, -0x1p520}); got != 0x1p520*math.Sqrt2 {
		t.Errorf("nrm2(2⁵²⁰, 2⁻⁶⁰⁰, −2⁵²⁰) = %g, want 2⁵²⁰·√2", got)
	}
	for _, c := range []struct {
		s    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0, 0}, 0},
		{[]float64{-3, 4}, 5},
		{[]float64{1, math.Inf(-1)}, math.Inf(1)},
	} {
		if got := nrm2(c.s); got != c.want {
			t.Errorf("nrm2(%v) = %g, want %g", c.s, got, c.want)
		}
	}
	if got := nrm2([]float64{1, math.NaN()}); !math.IsNaN(got) {
		t.Errorf("nrm2(1, NaN) = %g, want NaN", got)
	}
}

// TestFrobNorm checks frobNorm against the exact oracle of TestNrm2 on a
// padded 3×4 view (the padding, huge, must not count) at scales where the
// plain sum overflows or underflows, and on the zero matrix.
func TestFrobNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for _, scale := range []float64{1, 0x1p-600, 0x1p600} {
		X := blas64.General{Rows: 3, Cols: 4, Stride: 6, Data: make([]float64, 18)}
		var entries []float64
		for i := range X.Data {
			X.Data[i] = 0x1p1000 // padding
			if i%6 < 4 {
				X.Data[i] = scale * rng.NormFloat64()
				entries = append(entries, X.Data[i])
			}
		}
		got, want := frobNorm(X), nrm2Exact(entries)
		if math.Abs(got-want) > 14*0x1p-53*want {
			t.Errorf("scale %g: frobNorm = %.17g, exact %.17g", scale, got, want)
		}
	}
	if got := frobNorm(blas64.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float64, 4)}); got != 0 {
		t.Errorf("frobNorm(0) = %g", got)
	}
}

// BenchmarkNrm2 compares nrm2 with gonum's scaled blas64.Nrm2 (the one it
// replaced) at the lengths of the benchmark instances.
func BenchmarkNrm2(b *testing.B) {
	for _, m := range []int{500, 2000} {
		s := make([]float64, m)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		var sink float64
		b.Run(fmt.Sprintf("impl=nrm2/m=%d", m), func(b *testing.B) {
			for b.Loop() {
				sink += nrm2(s)
			}
		})
		b.Run(fmt.Sprintf("impl=gonum/m=%d", m), func(b *testing.B) {
			for b.Loop() {
				sink += blas64.Nrm2(vec(s))
			}
		})
		_ = sink
	}
}
