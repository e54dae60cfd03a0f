package ddref

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/problem"
)

// The reference must be far more accurate than any float64 solver: these
// tests hold it to an exact oracle.

// exactSolve returns the exact solution of the square rational system A·x = b
// by Gaussian elimination over big.Rat (A must be non-singular).
func exactSolve(A [][]*big.Rat, b []*big.Rat) []*big.Rat {
	n := len(A)
	for c := 0; c < n; c++ {
		piv := c
		for piv < n && A[piv][c].Sign() == 0 {
			piv++
		}
		A[c], A[piv] = A[piv], A[c]
		b[c], b[piv] = b[piv], b[c]
		for r := c + 1; r < n; r++ {
			if A[r][c].Sign() == 0 {
				continue
			}
			m := new(big.Rat).Quo(A[r][c], A[c][c])
			for k := c; k < n; k++ {
				A[r][k].Sub(A[r][k], new(big.Rat).Mul(m, A[c][k]))
			}
			b[r].Sub(b[r], new(big.Rat).Mul(m, b[c]))
		}
	}
	x := make([]*big.Rat, n)
	for r := n - 1; r >= 0; r-- {
		s := new(big.Rat).Set(b[r])
		for k := r + 1; k < n; k++ {
			s.Sub(s, new(big.Rat).Mul(A[r][k], x[k]))
		}
		x[r] = s.Quo(s, A[r][r])
	}
	return x
}

// exactMinNormOrRidge returns, exactly, w = (XᵀX + λI)⁻¹Xᵀy when n ≥ p or
// λ > 0, and w = Xᵀ(XXᵀ)⁻¹y otherwise: X⁺y for a full-rank X (λ = 0), w_λ
// for ridge. The float64 inputs are converted to rationals exactly.
func exactMinNormOrRidge(X *mat.Dense, y []float64, lambda float64) []*big.Rat {
	n, p := X.Dims()
	rat := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	lam := rat(lambda)
	if n >= p || lambda > 0 {
		G := make([][]*big.Rat, p)
		b := make([]*big.Rat, p)
		for i := 0; i < p; i++ {
			G[i] = make([]*big.Rat, p)
			for j := 0; j < p; j++ {
				s := new(big.Rat)
				for k := 0; k < n; k++ {
					s.Add(s, new(big.Rat).Mul(rat(X.At(k, i)), rat(X.At(k, j))))
				}
				if i == j {
					s.Add(s, lam)
				}
				G[i][j] = s
			}
			s := new(big.Rat)
			for k := 0; k < n; k++ {
				s.Add(s, new(big.Rat).Mul(rat(X.At(k, i)), rat(y[k])))
			}
			b[i] = s
		}
		return exactSolve(G, b)
	}
	G := make([][]*big.Rat, n)
	b := make([]*big.Rat, n)
	for i := 0; i < n; i++ {
		G[i] = make([]*big.Rat, n)
		for j := 0; j < n; j++ {
			s := new(big.Rat)
			for k := 0; k < p; k++ {
				s.Add(s, new(big.Rat).Mul(rat(X.At(i, k)), rat(X.At(j, k))))
			}
			G[i][j] = s
		}
		b[i] = rat(y[i])
	}
	a := exactSolve(G, b)
	w := make([]*big.Rat, p)
	for k := 0; k < p; k++ {
		s := new(big.Rat)
		for i := 0; i < n; i++ {
			s.Add(s, new(big.Rat).Mul(rat(X.At(i, k)), a[i]))
		}
		w[k] = s
	}
	return w
}

// exactRelError returns ‖ref − exact‖₂/‖exact‖₂ with the difference taken
// exactly (hi and lo are exact rationals).
func exactRelError(ref *Reference, exact []*big.Rat) float64 {
	return exactRelErrorHiLo(ref.w.hi, ref.w.lo, exact)
}

// exactRelErrorHiLo returns ‖(hi + lo) − exact‖₂/‖exact‖₂ with the
// difference taken exactly; lo may be nil (a float64 vector).
func exactRelErrorHiLo(hi, lo []float64, exact []*big.Rat) float64 {
	var num, den float64
	for i, e := range exact {
		d := new(big.Rat).SetFloat64(hi[i])
		if lo != nil {
			d.Add(d, new(big.Rat).SetFloat64(lo[i]))
		}
		d.Sub(d, e)
		df, _ := d.Float64()
		ef, _ := e.Float64()
		num += df * df
		den += ef * ef
	}
	return math.Sqrt(num / den)
}

// integerProblem returns an n×p matrix of small random integers and an
// integer y. With nearlyDependent, the last column is 1003·x₀ + 997·x₁ plus
// a perturbation in {−1, 0, 1}, which makes κ of order 10⁴–10⁷.
func integerProblem(seed uint64, n, p int, nearlyDependent bool) (*mat.Dense, []float64) {
	rng := problem.New(seed)
	X := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			X.Set(i, j, float64(rng.IntN(19)-9))
		}
		if nearlyDependent {
			X.Set(i, p-1, 1003*X.At(i, 0)+997*X.At(i, 1)+float64(rng.IntN(3)-1))
		}
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(rng.IntN(201) - 100)
	}
	return X, y
}

func TestReferenceAgainstExactRationals(t *testing.T) {
	// The oracle is exact, so the only error is the reference's; it must be
	// far below u. 1e-22 leaves room for the stagnation floor (κ·n·u² for
	// consistent problems, κ²·u² times ‖r‖/(‖X‖‖w‖) for inconsistent ones:
	// at most about 1e-23 for these κ ≤ 10⁷) and is still six orders below u.
	const tol = 1e-22
	cases := []struct {
		n, p   int
		lambda float64
		ill    bool
	}{
		{8, 5, 0, false}, {8, 5, 0, true}, // tall, inconsistent
		{5, 8, 0, false}, {5, 8, 0, true}, // wide: minimum norm
		{6, 6, 0, false}, {6, 6, 0, true}, // square
		{8, 5, 3, false}, {5, 8, 0.5, true}, // ridge, both shapes
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("n=%d/p=%d/lambda=%g/ill=%v", c.n, c.p, c.lambda, c.ill), func(t *testing.T) {
			seed := uint64(100 + i)
			X, y := integerProblem(seed, c.n, c.p, c.ill)
			svd, err := Factor(X)
			if err != nil {
				t.Fatal(err)
			}
			var ref *Reference
			if c.lambda > 0 {
				ref, err = Ridge(X, y, c.lambda, svd)
			} else {
				ref, err = MinNorm(X, y, svd)
			}
			if err != nil {
				t.Fatalf("seed %d, κ = %.3g: %v", seed, svd.Cond(), err)
			}
			exact := exactMinNormOrRidge(X, y, c.lambda)
			t.Logf("κ = %.3g, %d steps, estimate %.3g, exact error %.3g", svd.Cond(), ref.Steps, ref.Accuracy, exactRelError(ref, exact))
			if e := exactRelError(ref, exact); e > tol {
				t.Fatalf("seed %d, κ = %.3g: reference relative error %.3g > %g (estimate %.3g, %d steps)",
					seed, svd.Cond(), e, tol, ref.Accuracy, ref.Steps)
			}
			if ref.Accuracy > AccuracyLimit {
				t.Fatalf("accuracy estimate %.3g above the limit", ref.Accuracy)
			}
		})
	}
}

// TestReferenceAgainstPlanted checks the reference against planted solutions:
// by internal/problem's caveat the planted W is X⁺y only to about κ·u (the
// stored X is U·Σ·Vᵀ rounded), so they must agree to a small multiple of κ·u,
// with the reference the more accurate of the two.
func TestReferenceAgainstPlanted(t *testing.T) {
	for i, c := range []struct {
		n, p  int
		kappa float64
	}{{60, 30, 1e6}, {30, 60, 1e8}, {40, 40, 1e10}} {
		seed := uint64(200 + i)
		pl := problem.NewPlanted(problem.New(seed), c.n, c.p, problem.GeometricSpectrum(min(c.n, c.p), c.kappa), 0.5)
		svd, err := Factor(pl.X)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := MinNorm(pl.X, pl.Y.RawVector().Data, svd)
		if err != nil {
			t.Fatalf("%#v: %v", pl, err)
		}
		// κ²‖r‖/(‖X‖‖w‖) enters for the inconsistent tall case.
		bound := 100 * c.kappa * u * (1 + c.kappa*mat.Norm(pl.R, 2)/mat.Norm(pl.W, 2))
		if e := ForwardError(pl.W.RawVector().Data, ref); e > bound {
			t.Errorf("seed %d %#v: planted W differs from the reference by %.3g > %.3g", seed, pl, e, bound)
		}
	}
}

// TestMetricsOnReference checks the metric functions on a known case: the
// rounded reference has forward error at most u/2 per entry, hence ≤ u in
// norm, and the normal-equation error of the reference is of order u.
func TestMetricsOnReference(t *testing.T) {
	X, y := integerProblem(7, 30, 20, false)
	svd, err := Factor(X)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := MinNorm(X, y, svd)
	if err != nil {
		t.Fatal(err)
	}
	w := ref.Float64()
	if e := ForwardError(w, ref); e > u {
		t.Errorf("forward error of the rounded reference %.3g > u", e)
	}
	if eta := NormalEquationError(X, y, w, 0, svd.S[0]); eta > 4*u {
		t.Errorf("normal-equation error of the rounded reference %.3g u, want ≤ 4u", eta/u)
	}
	// A perturbed w must show up in both metrics.
	w[0] *= 1 + 1e-8
	if e := ForwardError(w, ref); e < 1e-10 {
		t.Errorf("forward error %.3g misses a 1e-8 perturbation", e)
	}
	if eta := NormalEquationError(X, y, w, 0, svd.S[0]); eta < 1e3*u {
		t.Errorf("normal-equation error %.3g u misses a 1e-8 perturbation", eta/u)
	}
}

// TestMinNormReferenceExactIllConditioned holds the reference, rounded to
// float64 as bench/sweep uses it, to the exact answer on small integer
// problems, tall (inconsistent), square and wide, including ones so
// ill-conditioned (κ up to about 10⁹) that the plain float64 SVD solution is
// wrong in many digits: there the test would fail for an unrefined reference.
func TestMinNormReferenceExactIllConditioned(t *testing.T) {
	rng := problem.New(11)
	randInt := func(n, p int, lim int64) [][]int64 {
		X := make([][]int64, n)
		for i := range X {
			X[i] = make([]int64, p)
			for j := range X[i] {
				X[i][j] = rng.Int64N(2*lim+1) - lim
			}
		}
		return X
	}
	// nearlyDependent makes the last column (or row) a small perturbation of
	// the sum of the others: κ grows like the scale over the perturbation.
	nearlyDependent := func(X [][]int64, cols bool, scale int64) [][]int64 {
		n, p := len(X), len(X[0])
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				X[i][j] *= scale
			}
		}
		if cols {
			for i := 0; i < n; i++ {
				s := int64(0)
				for j := 0; j < p-1; j++ {
					s += X[i][j]
				}
				X[i][p-1] = s + rng.Int64N(3) - 1
			}
		} else {
			for j := 0; j < p; j++ {
				s := int64(0)
				for i := 0; i < n-1; i++ {
					s += X[i][j]
				}
				X[n-1][j] = s + rng.Int64N(3) - 1
			}
		}
		return X
	}
	cases := []struct {
		name     string
		X        [][]int64
		wantSlop bool // the plain float64 solution is far from exact
	}{
		{"tall 12×5", randInt(12, 5, 9), false},
		{"square 6×6", randInt(6, 6, 9), false},
		{"wide 4×11", randInt(4, 11, 9), false},
		{"tall 10×4 κ≈1e6", nearlyDependent(randInt(10, 4, 9), true, 1e5), true},
		{"wide 4×9 κ≈1e9", nearlyDependent(randInt(4, 9, 9), false, 1e8), true},
		{"square 5×5 κ≈1e9", nearlyDependent(randInt(5, 5, 9), true, 1e8), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, p := len(c.X), len(c.X[0])
			// The integers are below 2⁵³, so X and y hold them exactly.
			X := mat.NewDense(n, p, nil)
			for i := range c.X {
				for j, v := range c.X[i] {
					X.Set(i, j, float64(v))
				}
			}
			y := make([]float64, n)
			for i := range y {
				y[i] = float64(rng.Int64N(201) - 100)
			}
			exact := exactMinNormOrRidge(X, y, 0)
			svd, err := Factor(X)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := MinNorm(X, y, svd)
			if err != nil {
				t.Fatalf("κ = %.3g: %v", svd.Cond(), err)
			}
			// The refined double-double answer is rounded once to float64:
			// normwise error ≤ u, allow 4u for the norm of rounded components.
			w := ref.Float64()
			e := exactRelErrorHiLo(w, nil, exact)
			t.Logf("κ = %.3g, %d steps, double-double error %.3g, rounded %.3g u",
				svd.Cond(), ref.Steps, exactRelError(ref, exact), e/u)
			if e > 4*u {
				t.Errorf("κ = %.3g: reference relative error %.3g = %.2f u, want ≤ 4u", svd.Cond(), e, e/u)
			}
			if c.wantSlop {
				// The unrefined SVD solution X⁺y in float64, to show that the
				// case needs the refinement.
				k := len(svd.S)
				ut := mat.NewVecDense(k, nil)
				ut.MulVec(svd.U.T(), mat.NewVecDense(n, y))
				for j := 0; j < k; j++ {
					ut.SetVec(j, ut.AtVec(j)/svd.S[j])
				}
				plain := mat.NewVecDense(p, nil)
				plain.MulVec(svd.V, ut)
				if e := exactRelErrorHiLo(plain.RawVector().Data, nil, exact); e < 1000*u {
					t.Errorf("κ = %.3g: plain SVD error %.3g u is already small; the case does not exercise the refinement", svd.Cond(), e/u)
				}
			}
		})
	}
}

// A rank-deficient X is refused, not answered.
func TestMinNormReferenceRankDeficient(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{1, 2, 2, 4, 3, 6})
	svd, err := Factor(X)
	if err != nil {
		t.Fatal(err)
	}
	svd.S[1] = 0 // exact rank 1
	if _, err := MinNorm(X, []float64{1, 2, 3}, svd); !errors.Is(err, ErrNoReference) {
		t.Errorf("rank-deficient X: error %v, want ErrNoReference", err)
	}
	// Without the exact zero, gonum's σ_min is a rounding error of σ_max,
	// below the rank threshold max(n, p)·u·σ_max: refused too.
	if svd, err = Factor(X); err != nil {
		t.Fatal(err)
	}
	if _, err := MinNorm(X, []float64{1, 2, 3}, svd); !errors.Is(err, ErrNoReference) {
		t.Errorf("numerically rank-deficient X (σ = %v): error %v, want ErrNoReference", svd.S, err)
	}
}
