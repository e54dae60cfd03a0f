package bench

import (
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
	var num, den float64
	for i, e := range exact {
		d := new(big.Rat).SetFloat64(ref.W.hi[i])
		d.Add(d, new(big.Rat).SetFloat64(ref.W.lo[i]))
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
			svd, err := factorSVD(X)
			if err != nil {
				t.Fatal(err)
			}
			var ref *Reference
			if c.lambda > 0 {
				ref, err = ridgeReference(X, y, c.lambda, svd)
			} else {
				ref, err = minNormReference(X, y, svd)
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
			if ref.Accuracy > refAccuracyLimit {
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
		svd, err := factorSVD(pl.X)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := minNormReference(pl.X, pl.Y.RawVector().Data, svd)
		if err != nil {
			t.Fatalf("%#v: %v", pl, err)
		}
		// κ²‖r‖/(‖X‖‖w‖) enters for the inconsistent tall case.
		bound := 100 * c.kappa * u * (1 + c.kappa*mat.Norm(pl.R, 2)/mat.Norm(pl.W, 2))
		if e := forwardError(pl.W.RawVector().Data, ref); e > bound {
			t.Errorf("seed %d %#v: planted W differs from the reference by %.3g > %.3g", seed, pl, e, bound)
		}
	}
}

// TestMetricsOnReference checks the metric functions on a known case: the
// rounded reference has forward error at most u/2 per entry, hence ≤ u in
// norm, and the normal-equation error of the reference is of order u.
func TestMetricsOnReference(t *testing.T) {
	X, y := integerProblem(7, 30, 20, false)
	svd, err := factorSVD(X)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := minNormReference(X, y, svd)
	if err != nil {
		t.Fatal(err)
	}
	w := ref.Float64()
	if e := forwardError(w, ref); e > u {
		t.Errorf("forward error of the rounded reference %.3g > u", e)
	}
	if eta := normalEquationError(X, y, w, 0, svd.S[0]); eta > 4*u {
		t.Errorf("normal-equation error of the rounded reference %.3g u, want ≤ 4u", eta/u)
	}
	// A perturbed w must show up in both metrics.
	w[0] *= 1 + 1e-8
	if e := forwardError(w, ref); e < 1e-10 {
		t.Errorf("forward error %.3g misses a 1e-8 perturbation", e)
	}
	if eta := normalEquationError(X, y, w, 0, svd.S[0]); eta < 1e3*u {
		t.Errorf("normal-equation error %.3g u misses a 1e-8 perturbation", eta/u)
	}
}
