package sweep

import (
	"math"
	"math/big"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// exactMinNorm returns X⁺y in exact rational arithmetic for an integer X of
// full rank min(n, p): w = (XᵀX)⁻¹Xᵀy when n ≥ p, w = Xᵀ(XXᵀ)⁻¹y otherwise.
func exactMinNorm(t *testing.T, X [][]int64, y []int64) []*big.Rat {
	n, p := len(X), len(X[0])
	rat := func(v int64) *big.Rat { return new(big.Rat).SetInt64(v) }
	mul := func(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
	// Gram matrix G (k×k) and right-hand side.
	tall := n >= p
	k := p
	if !tall {
		k = n
	}
	G := make([][]*big.Rat, k)
	rhs := make([]*big.Rat, k)
	for a := 0; a < k; a++ {
		G[a] = make([]*big.Rat, k)
		for b := 0; b < k; b++ {
			s := new(big.Rat)
			if tall {
				for i := 0; i < n; i++ {
					s.Add(s, mul(rat(X[i][a]), rat(X[i][b])))
				}
			} else {
				for j := 0; j < p; j++ {
					s.Add(s, mul(rat(X[a][j]), rat(X[b][j])))
				}
			}
			G[a][b] = s
		}
		s := new(big.Rat)
		if tall {
			for i := 0; i < n; i++ {
				s.Add(s, mul(rat(X[i][a]), rat(y[i])))
			}
		} else {
			s.Set(rat(y[a]))
		}
		rhs[a] = s
	}
	// Gauss–Jordan elimination; G is symmetric positive definite, so no
	// pivoting is needed for exactness, only non-zero pivots.
	for c := 0; c < k; c++ {
		if G[c][c].Sign() == 0 {
			t.Fatalf("exactMinNorm: singular Gram matrix")
		}
		for r := 0; r < k; r++ {
			if r == c || G[r][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(G[r][c], G[c][c])
			for j := c; j < k; j++ {
				G[r][j] = new(big.Rat).Sub(G[r][j], mul(f, G[c][j]))
			}
			rhs[r] = new(big.Rat).Sub(rhs[r], mul(f, rhs[c]))
		}
	}
	sol := make([]*big.Rat, k)
	for c := 0; c < k; c++ {
		sol[c] = new(big.Rat).Quo(rhs[c], G[c][c])
	}
	if tall {
		return sol
	}
	w := make([]*big.Rat, p)
	for j := 0; j < p; j++ {
		s := new(big.Rat)
		for i := 0; i < n; i++ {
			s.Add(s, mul(rat(X[i][j]), sol[i]))
		}
		w[j] = s
	}
	return w
}

// relErrExact returns ‖w − exact‖₂/‖exact‖₂ with the difference taken exactly.
func relErrExact(w []float64, exact []*big.Rat) float64 {
	var num, den float64
	for j, e := range exact {
		d := new(big.Rat).Sub(new(big.Rat).SetFloat64(w[j]), e)
		df, _ := d.Float64()
		ef, _ := e.Float64()
		num += df * df
		den += ef * ef
	}
	return math.Sqrt(num / den)
}

func toDense(X [][]int64) *mat.Dense {
	n, p := len(X), len(X[0])
	d := mat.NewDense(n, p, nil)
	for i := range X {
		for j := range X[i] {
			d.Set(i, j, float64(X[i][j]))
		}
	}
	return d
}

// The refined reference agrees with exact rational arithmetic to a few units
// of u on small integer problems, tall (inconsistent), square and wide,
// including ones so ill-conditioned that the plain float64 SVD solution is
// wrong in many digits: there the test would fail for an unrefined reference.
func TestMinNormReferenceExact(t *testing.T) {
	const u = 0x1p-53
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
			n := len(c.X)
			y := make([]int64, n)
			yf := make([]float64, n)
			for i := range y {
				y[i] = rng.Int64N(201) - 100
				yf[i] = float64(y[i])
			}
			exact := exactMinNorm(t, c.X, y)
			X := toDense(c.X)
			f, err := factorThin(X)
			if err != nil {
				t.Fatal(err)
			}
			w, err := minNormReference(X, yf, f)
			if err != nil {
				t.Fatalf("κ = %.3g: %v", f.cond(), err)
			}
			// The refined double-double answer is rounded once to float64:
			// normwise error ≤ u, allow 4u for the norm of rounded components.
			t.Logf("κ = %.3g, error %.3g u", f.cond(), relErrExact(w, exact)/u)
			if e := relErrExact(w, exact); e > 4*u {
				t.Errorf("κ = %.3g: reference relative error %.3g = %.2f u, want ≤ 4u", f.cond(), e, e/u)
			}
			if c.wantSlop {
				// The unrefined SVD solution X⁺y in float64, to show that the
				// case needs the refinement.
				p := len(c.X[0])
				k := len(f.S)
				ut := mat.NewVecDense(k, nil)
				ut.MulVec(f.U.T(), mat.NewVecDense(n, yf))
				for j := 0; j < k; j++ {
					ut.SetVec(j, ut.AtVec(j)/f.S[j])
				}
				plain := mat.NewVecDense(p, nil)
				plain.MulVec(f.V, ut)
				if e := relErrExact(plain.RawVector().Data, exact); e < 1000*u {
					t.Errorf("κ = %.3g: plain SVD error %.3g u is already small; the case does not exercise the refinement", f.cond(), e/u)
				}
			}
		})
	}
}

// A rank-deficient X is refused, not answered.
func TestMinNormReferenceRankDeficient(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{1, 2, 2, 4, 3, 6})
	f, err := factorThin(X)
	if err != nil {
		t.Fatal(err)
	}
	f.S[1] = 0 // exact rank 1
	if _, err := minNormReference(X, []float64{1, 2, 3}, f); err == nil {
		t.Error("rank-deficient X: no error")
	}
}
