package solvers

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// NewSketchAlways returns a "sketch" solver that takes the sketch path at
// every shape, also near the threshold where NewSketch hands over to "cod",
// so that the external tests (sketch_props_test.go) run the property suite
// on the sketch path itself. It exists only in test builds.
func NewSketchAlways(opts ...Option) *Sketch {
	s := NewSketch(opts...)
	s.always = true
	return s
}

// sketchCase is one planted problem of the tests (problem.NewPlanted: X⁺y is
// known by construction).
type sketchCase struct {
	n, p, rank int
	kappa      float64
	resid      float64
}

func (c sketchCase) planted(seed uint64) *problem.Planted {
	return problem.NewPlanted(problem.New(seed), c.n, c.p, problem.GeometricSpectrum(c.rank, c.kappa), c.resid)
}

// sketchBound is the error bound of the Sketch doc comment for a planted
// problem, relative to ‖W‖, with C = 30 and m = max(n, p) as in props:
//
//	C·[(m·u + tol)·κ + tol·κ·ρ + m·u·κ²·ρ],   ρ = ‖R‖/(σ₁‖W‖),
//
// the m·u terms covering both the floating-point floor of any solver and the
// planted reference itself, which is X⁺y only to within that (problem.go).
func sketchBound(pl *problem.Planted, tol float64) float64 {
	n, p := pl.X.Dims()
	m := float64(max(n, p))
	k := pl.Cond()
	rho := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
	return 30 * ((m*u53+tol)*k + tol*k*rho + m*u53*k*k*rho)
}

const u53 = 0x1p-53

func relErr(w, ref *mat.VecDense) float64 {
	var d mat.VecDense
	d.SubVec(w, ref)
	return mat.Norm(&d, 2) / mat.Norm(ref, 2)
}

// TestSketchPlanted checks accuracy on the shapes the solver is for, tall
// 2000×50 and wide 50×2000, from κ = 1 to 10¹⁰, consistent, inconsistent and
// rank-deficient, and that the iteration count does not grow with κ (the
// point of the preconditioner: plain LSQR needs about κ/2·ln(2/ε) steps).
func TestSketchPlanted(t *testing.T) {
	type group struct {
		name  string
		cases []sketchCase
	}
	groups := []group{
		{"tall consistent", []sketchCase{{2000, 50, 50, 1, 0}, {2000, 50, 50, 1e5, 0}, {2000, 50, 50, 1e10, 0}}},
		{"tall inconsistent", []sketchCase{{2000, 50, 50, 1, 1}, {2000, 50, 50, 1e2, 1}, {2000, 50, 50, 1e4, 1}}},
		{"tall rank-deficient", []sketchCase{{2000, 50, 30, 1e3, 0}, {2000, 50, 30, 1e3, 1}}},
		{"wide full row rank", []sketchCase{{50, 2000, 50, 1, 0}, {50, 2000, 50, 1e5, 0}, {50, 2000, 50, 1e10, 0}}},
		{"wide rank-deficient", []sketchCase{{50, 2000, 30, 1e3, 0}, {50, 2000, 30, 1e3, 1}}},
	}
	seed := uint64(100)
	for _, g := range groups {
		minIts, maxIts := math.MaxInt, 0
		for _, c := range g.cases {
			seed++
			pl := c.planted(seed)
			w, rep, err := NewSketch().SolveReport(pl.X, pl.Y)
			if err != nil {
				t.Errorf("%s, seed %d %#v: %v", g.name, seed, pl, err)
				continue
			}
			e, b := relErr(w, pl.W), sketchBound(pl, defaultIterTol)
			t.Logf("%s %#v: relative error %.3g (bound %.3g), %d iterations, rank %d", g.name, pl, e, b, rep.Iterations, rep.Rank)
			if !(e <= b) {
				t.Errorf("%s, seed %d %#v: relative error %.3g > bound %.3g", g.name, seed, pl, e, b)
			}
			if rep.Rank != c.rank {
				t.Errorf("%s, seed %d %#v: Report.Rank = %d, planted rank %d", g.name, seed, pl, rep.Rank, c.rank)
			}
			minIts, maxIts = min(minIts, rep.Iterations), max(maxIts, rep.Iterations)
		}
		// κ-independence: the hardest case may need correction runs (at
		// most sketchMaxRuns in all), not κ-many iterations.
		if maxIts > sketchMaxRuns*minIts {
			t.Errorf("%s: iterations range from %d to %d over κ: not independent of κ", g.name, minIts, maxIts)
		}
	}
}

// TestSketchForcedSmall runs the sketch path (NewSketchAlways) on small and
// extreme shapes, where the sketch is the identity (s ≥ m) or a real sparse
// sign matrix, against planted solutions.
func TestSketchForcedSmall(t *testing.T) {
	cases := []sketchCase{
		{1, 12, 1, 1, 0}, {12, 1, 1, 1, 0.5}, {40, 3, 3, 10, 0.5}, {3, 40, 3, 10, 0},
		{40, 6, 3, 100, 0.5}, {6, 40, 3, 100, 0.5}, {30, 30, 30, 100, 0}, {30, 30, 20, 100, 0.5},
		{300, 10, 10, 1e6, 0}, {10, 300, 10, 1e6, 0}, {300, 10, 10, 1e3, 0.5},
	}
	for i, c := range cases {
		seed := uint64(300 + i)
		pl := c.planted(seed)
		w, rep, err := NewSketchAlways().SolveReport(pl.X, pl.Y)
		if err != nil {
			t.Errorf("seed %d %#v: %v", seed, pl, err)
			continue
		}
		if e, b := relErr(w, pl.W), sketchBound(pl, defaultIterTol); !(e <= b) {
			t.Errorf("seed %d %#v: relative error %.3g > bound %.3g (%d iterations)", seed, pl, e, b, rep.Iterations)
		}
		if rep.Rank != c.rank {
			t.Errorf("seed %d %#v: Report.Rank = %d, planted rank %d", seed, pl, rep.Rank, c.rank)
		}
	}
}

// TestSketchDeterministic checks that a seed fixes the answer bit for bit,
// and that another seed gives another sketch (different iterations or bits)
// that is just as accurate.
func TestSketchDeterministic(t *testing.T) {
	for _, c := range []sketchCase{{1000, 40, 40, 1e3, 0.5}, {40, 1000, 40, 1e5, 0}} {
		pl := c.planted(7)
		w1, r1, err1 := NewSketch().SolveReport(pl.X, pl.Y)
		w2, r2, err2 := NewSketch(WithSeed(sketchDefaultSeed)).SolveReport(pl.X, pl.Y)
		w3, r3, err3 := NewSketch(WithSeed(99)).SolveReport(pl.X, pl.Y)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("%#v: %v", pl, err)
		}
		if !mat.Equal(w1, w2) || r1 != r2 {
			t.Errorf("%#v: default seed and WithSeed(%d) differ", pl, sketchDefaultSeed)
		}
		if w4, _ := NewSketch().Solve(pl.X, pl.Y); !mat.Equal(w1, w4) {
			t.Errorf("%#v: two runs with the same seed differ", pl)
		}
		if mat.Equal(w1, w3) && r1 == r3 {
			t.Errorf("%#v: seeds 1 and 99 give bit-identical answers: the seed is ignored", pl)
		}
		b := sketchBound(pl, defaultIterTol)
		for i, w := range []*mat.VecDense{w1, w3} {
			if e := relErr(w, pl.W); !(e <= b) {
				t.Errorf("%#v, answer %d: relative error %.3g > bound %.3g", pl, i, e, b)
			}
		}
	}
}

// TestSketchThreshold checks that near the threshold (0.1 < γ < 10) the
// answer is bit for bit that of "cod", and that γ = 0.1 and 10 take the
// sketch path (iterations reported).
func TestSketchThreshold(t *testing.T) {
	for _, c := range []sketchCase{{30, 30, 30, 100, 0}, {90, 10, 10, 10, 0.5}, {10, 90, 10, 10, 0}} {
		pl := c.planted(11)
		w, rep, err := NewSketch().SolveReport(pl.X, pl.Y)
		wc, repc, errc := NewCOD().SolveReport(pl.X, pl.Y)
		if err != nil || errc != nil {
			t.Fatalf("%#v: %v, %v", pl, err, errc)
		}
		if !mat.Equal(w, wc) || rep != repc {
			t.Errorf("%#v: sketch near the threshold differs from cod", pl)
		}
	}
	for _, c := range []sketchCase{{100, 10, 10, 10, 0.5}, {10, 100, 10, 10, 0}} {
		pl := c.planted(12)
		_, rep, err := NewSketch().SolveReport(pl.X, pl.Y)
		if err != nil {
			t.Fatalf("%#v: %v", pl, err)
		}
		if rep.Iterations == 0 {
			t.Errorf("%#v: γ at the boundary did not take the sketch path", pl)
		}
	}
}

// TestSketchCap: a run stopped by its cap is an ErrNotConverged refusal.
func TestSketchCap(t *testing.T) {
	pl := sketchCase{2000, 50, 50, 1e4, 0.5}.planted(5)
	w, err := NewSketch(WithMaxIter(3)).Solve(pl.X, pl.Y)
	if !errors.Is(err, ErrNotConverged) || w != nil {
		t.Errorf("at its cap: got w = %v, err = %v; want ErrNotConverged", w != nil, err)
	}
}

// TestSketchBadOptions: invalid or unaccepted options are ErrBadParameter.
func TestSketchBadOptions(t *testing.T) {
	pl := sketchCase{200, 10, 10, 10, 0}.planted(3)
	for name, opt := range map[string]Option{"WithTol(0)": WithTol(0), "WithMaxIter(0)": WithMaxIter(0), "WithRCond": WithRCond(0.1), "WithStart": WithStart(mat.NewVecDense(10, nil))} {
		if _, err := NewSketch(opt).Solve(pl.X, pl.Y); !errors.Is(err, ErrBadParameter) {
			t.Errorf("%s: err = %v, want ErrBadParameter", name, err)
		}
	}
}

// TestSketchIllConditioned: beyond what can be certified, every answer is
// refused or within the certificate's promise.
func TestSketchIllConditioned(t *testing.T) {
	for i, c := range []sketchCase{{2000, 50, 50, 1e13, 0}, {2000, 50, 50, 1e8, 1}, {50, 2000, 50, 1e13, 0}, {50, 2000, 30, 1e8, 1}} {
		pl := c.planted(uint64(40 + i))
		w, err := NewSketch().Solve(pl.X, pl.Y)
		if err != nil {
			if !errors.Is(err, ErrIllConditioned) && !errors.Is(err, ErrNotConverged) {
				t.Errorf("%#v: unexpected error %v", pl, err)
			}
			t.Logf("%#v: refused: %v", pl, err)
			continue
		}
		if e := relErr(w, pl.W); !(e <= maxForwardError) {
			t.Errorf("%#v: returned a vector with relative error %.3g", pl, e)
		}
	}
}

// TestSketchNormBound checks β_S ≥ ‖S‖₂ and the identity of B·N = Q₁
// (orthonormal columns) on which the certificate rests.
func TestSketchNormBound(t *testing.T) {
	rng := problem.New(8)
	for _, sz := range [][2]int{{3, 40}, {20, 500}, {108, 2000}} {
		S := newSparseSign(rng, sz[0], sz[1])
		D := mat.NewDense(S.s, S.m, nil)
		for j := 0; j < S.m; j++ {
			for l := 0; l < S.zeta; l++ {
				D.Set(int(S.row[j*S.zeta+l]), j, S.sign[j*S.zeta+l])
			}
		}
		var svd mat.SVD
		if !svd.Factorize(D, mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		if n2, b := svd.Values(nil)[0], S.norm2Bound(); !(b >= n2*(1-1e-12)) || b > 3*n2 {
			t.Errorf("%d×%d: β_S = %.4g, ‖S‖₂ = %.4g", S.s, S.m, b, n2)
		}
		X := problem.Gaussian(rng, sz[1], 5)
		B := S.sketch(X.RawMatrix(), true)
		var want mat.Dense
		want.Mul(D, X)
		if !mat.EqualApprox(B, &want, 1e-12) {
			t.Errorf("%d×%d: S·X wrong", S.s, S.m)
		}
		pc := sketchPreconditioner(mat.DenseCopyOf(B), svdDefaultRCond(sz[1], 5))
		N, r, nb := pc.N, pc.r, pc.normN
		var Q, G mat.Dense
		Q.Mul(B, N)
		G.Mul(Q.T(), &Q)
		if !mat.EqualApprox(&G, eye(r), 1e-12) {
			t.Errorf("%d×%d: (S·X·N)ᵀ(S·X·N) is not I: %v", S.s, S.m, mat.Formatted(&G))
		}
		// The preconditioned matrix by triangular solves (r = k here)
		// against the plain product X·N, each within its rounding bound.
		A, e := pc.apply(X, true)
		var XN, D2 mat.Dense
		XN.Mul(X, N)
		D2.Sub(A, &XN)
		gk := 5 * u53 / (1 - 5*u53)
		if d, b := mat.Norm(&D2, 2), e+gk*mat.Norm(X, 2)*mat.Norm(N, 2); !(d <= b) {
			t.Errorf("%d×%d: ‖A − X·N‖_F = %.3g > %.3g", S.s, S.m, d, b)
		}
		var nsvd mat.SVD
		nsvd.Factorize(N, mat.SVDNone)
		if n2 := nsvd.Values(nil)[0]; !(nb >= n2*(1-1e-12)) {
			t.Errorf("β_N = %.4g < ‖N‖₂ = %.4g", nb, n2)
		}
	}
}

func eye(r int) *mat.Dense {
	d := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		d.Set(i, i, 1)
	}
	return d
}

// BenchmarkSketch compares "sketch" with "cod" at γ = 0.05 and 20 on a
// Gaussian X and y (seed 1), well conditioned (κ ≈ 1.6), and on the same X
// with its columns (tall) or rows (wide) scaled geometrically from 1 to 10⁻⁶
// (κ ≈ 10⁶), where "lsqr" would need thousands of iterations but "sketch"
// needs the same few dozen. Compare ratios within one run (the machine is
// shared):
//
//	go test ./solvers -run '^$' -bench BenchmarkSketch -benchtime 5x
func BenchmarkSketch(b *testing.B) {
	for _, sh := range [][2]int{{4000, 200}, {200, 4000}} {
		n, p := sh[0], sh[1]
		for _, kappa := range []float64{1, 1e6} {
			rng := problem.New(1)
			X := problem.Gaussian(rng, n, p)
			y := mat.NewVecDense(n, problem.Gaussian(rng, n, 1).RawMatrix().Data)
			k := min(n, p)
			X.Apply(func(i, j int, v float64) float64 {
				l := j
				if n < p {
					l = i
				}
				return v * math.Pow(kappa, -float64(l)/float64(k-1))
			}, X)
			for _, s := range []Solver{NewSketch(), NewCOD()} {
				b.Run(fmt.Sprintf("solver=%s/n=%d/p=%d/scale=%g", s.Name(), n, p, kappa), func(b *testing.B) {
					var its int
					for b.Loop() {
						_, rep, err := s.(Reporter).SolveReport(X, y)
						if err != nil {
							b.Fatal(err)
						}
						its = rep.Iterations
					}
					b.ReportMetric(float64(its), "iterations")
				})
			}
		}
	}
}

// TestPrecondOp checks the operator A = X·N (tall) or Nᵀ·X (wide) against A
// formed by naive loops, for both products, beta = 0 (with junk in dst,
// which must not be read) and beta ≠ 0, on odd sizes and padded strides.
func TestPrecondOp(t *testing.T) {
	rng := problem.New(11)
	padded := func(r, c int) blas64.General { // stride c + 3, junk in the padding
		g := blas64.General{Rows: r, Cols: c, Stride: c + 3, Data: make([]float64, r*(c+3))}
		for i := range g.Data {
			g.Data[i] = rng.NormFloat64()
		}
		return g
	}
	at := func(g blas64.General, i, j int) float64 { return g.Data[i*g.Stride+j] }
	for _, tall := range []bool{true, false} {
		const k, r, m = 7, 5, 13 // X is m×k (tall) or k×m (wide); N is k×r
		X := padded(m, k)
		if !tall {
			X = padded(k, m)
		}
		N := padded(k, r)
		op := newPrecondOp(X, N, tall)
		rows, cols := op.dims()
		if tall && (rows != m || cols != r) || !tall && (rows != r || cols != m) {
			t.Fatalf("tall=%v: dims %d×%d", tall, rows, cols)
		}
		A := make([][]float64, rows) // the naive A
		for i := range A {
			A[i] = make([]float64, cols)
			for j := range A[i] {
				for l := 0; l < k; l++ {
					if tall {
						A[i][j] += at(X, i, l) * at(N, l, j)
					} else {
						A[i][j] += at(N, l, i) * at(X, l, j)
					}
				}
			}
		}
		for _, trans := range []bool{false, true} {
			for _, beta := range []float64{0, -0.75} {
				lenX, lenY := cols, rows
				if trans {
					lenX, lenY = rows, cols
				}
				x, dst := make([]float64, lenX), make([]float64, lenY)
				for i := range x {
					x[i] = rng.NormFloat64()
				}
				want := make([]float64, lenY)
				for i := range dst {
					dst[i] = rng.NormFloat64()
					if beta == 0 {
						dst[i] = math.NaN()
					}
					for j := range x {
						if trans {
							want[i] += A[j][i] * x[j]
						} else {
							want[i] += A[i][j] * x[j]
						}
					}
					if beta != 0 {
						want[i] += beta * dst[i]
					}
				}
				op.mulVec(trans, x, beta, dst)
				for i := range want {
					if math.Abs(dst[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
						t.Fatalf("tall=%v trans=%v beta=%g: entry %d = %g, want %g", tall, trans, beta, i, dst[i], want[i])
					}
				}
			}
		}
	}
}

// TestSparseSignSketchWide checks S·Xᵀ for wide X against the dense S times
// Xᵀ, exactly: each entry sums the same products in the same order (a
// column of S has at most one entry per row, the others add ±0). k = 1 to
// 9 rows of X exercise the blocks of four and the remainder; X is a view
// with a padded stride.
func TestSparseSignSketchWide(t *testing.T) {
	rng := problem.New(12)
	for k := 1; k <= 9; k++ {
		const s, m = 30, 200
		S := newSparseSign(rng, s, m)
		D := mat.NewDense(s, m, nil)
		for j := 0; j < m; j++ {
			for l := 0; l < S.zeta; l++ {
				D.Set(int(S.row[j*S.zeta+l]), j, S.sign[j*S.zeta+l])
			}
		}
		big := problem.Gaussian(rng, k, m+5)
		X := big.Slice(0, k, 2, m+2).(*mat.Dense)
		B := S.sketch(X.RawMatrix(), false)
		for c := 0; c < s; c++ {
			for i := 0; i < k; i++ {
				want := 0.0
				for j := 0; j < m; j++ {
					want += D.At(c, j) * X.At(i, j)
				}
				if got := B.At(c, i); got != want {
					t.Fatalf("k = %d: (S·Xᵀ)[%d, %d] = %v, want %v", k, c, i, got, want)
				}
			}
		}
	}
}
