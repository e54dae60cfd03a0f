package exact

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

const seed = 20261126 // every random draw below comes from this seed

// penrose returns which of the four Penrose conditions fail for P as X⁺:
//
//	X·P·X = X,  P·X·P = P,  (X·P)ᵀ = X·P,  (P·X)ᵀ = P·X,
//
// checked with exact equality. An empty result means P = X⁺ (the four
// conditions determine the pseudoinverse uniquely).
func penrose(X, P *Matrix) []string {
	var bad []string
	XP, PX := Mul(X, P), Mul(P, X)
	if !Equal(Mul(XP, X), X) {
		bad = append(bad, "XPX = X")
	}
	if !Equal(Mul(PX, P), P) {
		bad = append(bad, "PXP = P")
	}
	if !Equal(XP.T(), XP) {
		bad = append(bad, "(XP)ᵀ = XP")
	}
	if !Equal(PX.T(), PX) {
		bad = append(bad, "(PX)ᵀ = PX")
	}
	return bad
}

func randInt(rng *rand.Rand, n, p, lim int) *Matrix {
	m := New(n, p)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			m.at(i, j).SetInt64(int64(rng.IntN(2*lim+1) - lim))
		}
	}
	return m
}

// randomCases returns small integer matrices of every kind the solvers'
// tests use: full rank, rank-deficient (a product of n×r and r×p factors),
// duplicate columns and rows, the zero matrix, 1×1, and n = p.
func randomCases(rng *rand.Rand) []namedMatrix {
	cases := []namedMatrix{
		{"zero 3×4", New(3, 4)},
		{"zero 1×1", New(1, 1)},
		{"1×1", FromInt([][]int64{{-7}})},
		{"row [1 1]", FromInt([][]int64{{1, 1}})},
	}
	for k := 0; k < 40; k++ {
		n, p := 1+rng.IntN(7), 1+rng.IntN(7)
		if k%4 == 0 {
			p = n // the interpolation threshold
		}
		name := "random " + itoa(n) + "×" + itoa(p) + " #" + itoa(k)
		switch k % 3 {
		case 0:
			cases = append(cases, namedMatrix{name, randInt(rng, n, p, 5)})
		case 1: // rank r < min(n, p) where possible
			r := 1 + rng.IntN(max(1, min(n, p)-1))
			cases = append(cases, namedMatrix{name + " rank≤" + itoa(r), Mul(randInt(rng, n, r, 3), randInt(rng, r, p, 3))})
		case 2: // duplicate a column and a row
			X := randInt(rng, n, p, 4)
			D := New(n+1, p+1)
			for i := 0; i <= n; i++ {
				for j := 0; j <= p; j++ {
					D.at(i, j).Set(X.at(min(i, n-1), min(j, p-1)))
				}
			}
			cases = append(cases, namedMatrix{name + " duplicated", D})
		}
	}
	return cases
}

type namedMatrix struct {
	name string
	X    *Matrix
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func TestPinvPenroseExact(t *testing.T) {
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, c := range randomCases(rng) {
		name, X := c.name, c.X
		P := Pinv(X)
		if r, c := P.Dims(); r != X.cols || c != X.rows {
			t.Errorf("%s: Pinv is %d×%d, want %d×%d", name, r, c, X.cols, X.rows)
			continue
		}
		if bad := penrose(X, P); len(bad) > 0 {
			t.Errorf("%s: Penrose conditions %v fail for\nX =\n%v\nP =\n%v", name, bad, X, P)
		}
		// (X⁺)ᵀ = (Xᵀ)⁺ and (X⁺)⁺ = X: two more identities the formula
		// does not build in.
		if !Equal(P.T(), Pinv(X.T())) {
			t.Errorf("%s: (X⁺)ᵀ ≠ (Xᵀ)⁺", name)
		}
		if !Equal(Pinv(P), X) {
			t.Errorf("%s: (X⁺)⁺ ≠ X", name)
		}
	}
}

// TestPenroseCheckCanFail shows that the exact check above rejects a
// pseudoinverse that is wrong by the smallest amount.
func TestPenroseCheckCanFail(t *testing.T) {
	X := FromInt([][]int64{{1, 2}, {2, 4}, {0, 0}}) // rank 1
	P := Pinv(X)
	tiny := big.NewRat(1, 1<<62)
	wrong := P.Clone()
	e := wrong.at(0, 0)
	e.Add(e, tiny)
	if len(penrose(X, wrong)) == 0 {
		t.Error("a perturbed pseudoinverse passed the Penrose check")
	}
	// A generalized inverse that is not the Moore–Penrose one: it satisfies
	// XGX = X but not the symmetry conditions.
	G := FromInt([][]int64{{1, 0, 0}, {0, 0, 0}})
	if !Equal(Mul(Mul(X, G), X), X) {
		t.Fatal("test setup: G is not a {1}-inverse")
	}
	if len(penrose(X, G)) == 0 {
		t.Error("a {1}-inverse that is not X⁺ passed the Penrose check")
	}
}

func rat(a, b int64) *big.Rat { return big.NewRat(a, b) }

func ratMatrix(rows ...[]*big.Rat) *Matrix { return FromRat(rows) }

// TestPinvHandDerived checks cases whose pseudoinverse is derived by hand.
func TestPinvHandDerived(t *testing.T) {
	// [1 1]⁺ = [1 1]ᵀ/‖[1 1]‖² = [1/2; 1/2].
	check(t, "[1 1]", FromInt([][]int64{{1, 1}}), ratMatrix([]*big.Rat{rat(1, 2)}, []*big.Rat{rat(1, 2)}))
	// A column [1; 1] has pseudoinverse [1/2 1/2].
	check(t, "[1; 1]", FromInt([][]int64{{1}, {1}}), ratMatrix([]*big.Rat{rat(1, 2), rat(1, 2)}))
	// Diagonal: invert the non-zero entries, keep zeros; the shape transposes.
	check(t, "diag(2, 0, −4) padded", FromInt([][]int64{{2, 0, 0}, {0, 0, 0}, {0, 0, -4}, {0, 0, 0}}),
		ratMatrix(
			[]*big.Rat{rat(1, 2), rat(0, 1), rat(0, 1), rat(0, 1)},
			[]*big.Rat{rat(0, 1), rat(0, 1), rat(0, 1), rat(0, 1)},
			[]*big.Rat{rat(0, 1), rat(0, 1), rat(-1, 4), rat(0, 1)},
		))
	// Rank one: (u·vᵀ)⁺ = v·uᵀ/(‖u‖²‖v‖²). u = (1, −2, 2), ‖u‖² = 9;
	// v = (3, 0, 4, 1), ‖v‖² = 26; so X⁺ = v·uᵀ/234.
	u, v := []int64{1, -2, 2}, []int64{3, 0, 4, 1}
	X, want := New(3, 4), New(4, 3)
	for i, ui := range u {
		for j, vj := range v {
			X.at(i, j).SetInt64(ui * vj)
			want.at(j, i).SetFrac64(vj*ui, 234)
		}
	}
	check(t, "rank one u·vᵀ", X, want)
	// An invertible matrix: X⁺ = X⁻¹. [[2, 1], [7, 4]]⁻¹ = [[4, −1], [−7, 2]] (det 1).
	check(t, "invertible", FromInt([][]int64{{2, 1}, {7, 4}}), FromInt([][]int64{{4, -1}, {-7, 2}}))
	// Duplicate columns [a a]: [a a]⁺ = ½[a⁺; a⁺] with a⁺ = aᵀ/‖a‖². a = (1, 2): ‖a‖² = 5.
	check(t, "duplicate columns", FromInt([][]int64{{1, 1}, {2, 2}}),
		ratMatrix([]*big.Rat{rat(1, 10), rat(2, 10)}, []*big.Rat{rat(1, 10), rat(2, 10)}))
	// An orthogonal matrix scaled by 5: (5Q)⁺ = Qᵀ/5, Q = [[3, 4], [−4, 3]]/5.
	check(t, "scaled orthogonal", FromInt([][]int64{{3, 4}, {-4, 3}}),
		ratMatrix([]*big.Rat{rat(3, 25), rat(-4, 25)}, []*big.Rat{rat(4, 25), rat(3, 25)}))
	// The zero matrix: 0⁺ = 0ᵀ.
	check(t, "zero 2×3", New(2, 3), New(3, 2))
}

func check(t *testing.T, name string, X, want *Matrix) {
	t.Helper()
	if got := Pinv(X); !Equal(got, want) {
		t.Errorf("%s: Pinv =\n%v\nwant\n%v", name, got, want)
	}
}

func TestRank(t *testing.T) {
	for _, c := range []struct {
		X    [][]int64
		rank int
	}{
		{[][]int64{{0}}, 0},
		{[][]int64{{0, 0}, {0, 0}}, 0},
		{[][]int64{{3}}, 1},
		{[][]int64{{1, 2, 3}, {2, 4, 6}}, 1},
		{[][]int64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 2},
		{[][]int64{{1, 2}, {3, 4}, {5, 6}}, 2},
		{[][]int64{{0, 1}, {0, 0}, {0, 1}}, 1},
		{[][]int64{{2, 0, 0}, {0, 3, 0}, {0, 0, 1}}, 3},
	} {
		if got := Rank(FromInt(c.X)); got != c.rank {
			t.Errorf("Rank(%v) = %d, want %d", c.X, got, c.rank)
		}
	}
}

// TestMinNormExact checks w = X⁺y by its defining properties, exactly: the
// normal equations Xᵀ(Xw − y) = 0 and w in the row space of X (X⁺X·w = w).
func TestMinNormExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(seed, 2))
	for _, c := range randomCases(rng) {
		name, X := c.name, c.X
		y := make([]*big.Rat, X.rows)
		for i := range y {
			y[i] = big.NewRat(int64(rng.IntN(11)-5), 1)
		}
		w := MinNorm(X, y)
		Xw := MulVec(X, w)
		r := make([]*big.Rat, len(y))
		for i := range r {
			r[i] = new(big.Rat).Sub(Xw[i], y[i])
		}
		for j, g := range MulVec(X.T(), r) {
			if g.Sign() != 0 {
				t.Errorf("%s: normal equations fail: (Xᵀ(Xw − y))[%d] = %v", name, j, g.RatString())
			}
		}
		P := Pinv(X)
		for j, v := range MulVec(Mul(P, X), w) {
			if v.Cmp(w[j]) != 0 {
				t.Errorf("%s: w is not in the row space: (X⁺Xw)[%d] = %v, w[%d] = %v", name, j, v.RatString(), j, w[j].RatString())
			}
		}
	}
	// Hand-derived: [1 1]w = 2 → w = (1, 1); [1; 1]w = (1, 3) → w = 2.
	w := MinNorm(FromInt([][]int64{{1, 1}}), VecFromInt([]int64{2}))
	if w[0].Cmp(rat(1, 1)) != 0 || w[1].Cmp(rat(1, 1)) != 0 {
		t.Errorf("[1 1]⁺·2 = %v, want (1, 1)", w)
	}
	w = MinNorm(FromInt([][]int64{{1}, {1}}), VecFromInt([]int64{1, 3}))
	if w[0].Cmp(rat(2, 1)) != 0 {
		t.Errorf("[1; 1]⁺·(1, 3) = %v, want 2", w)
	}
}

// TestRidgeExact checks the ridge solution against its normal equations
// (XᵀX + λI)w = Xᵀy exactly, the primal and dual forms against each other,
// and λ = 0 against X⁺y.
func TestRidgeExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(seed, 3))
	lambdas := []*big.Rat{rat(1, 2), rat(2, 1), rat(1, 1000)}
	for _, c := range randomCases(rng) {
		name, X := c.name, c.X
		y := make([]*big.Rat, X.rows)
		for i := range y {
			y[i] = big.NewRat(int64(rng.IntN(11)-5), 1)
		}
		Xt := X.T()
		G := Mul(Xt, X)
		Xty := MulVec(Xt, y)
		for _, lam := range lambdas {
			w := Ridge(X, y, lam)
			lhs := MulVec(G, w)
			for j := range lhs {
				lhs[j].Add(lhs[j], new(big.Rat).Mul(lam, w[j]))
				if lhs[j].Cmp(Xty[j]) != 0 {
					t.Errorf("%s, λ = %v: ((XᵀX + λI)w)[%d] = %v, (Xᵀy)[%d] = %v", name, lam.RatString(), j, lhs[j].RatString(), j, Xty[j].RatString())
				}
			}
			p, d := ridgePrimal(X, y, lam), ridgeDual(X, y, lam)
			for j := range p {
				if p[j].Cmp(d[j]) != 0 {
					t.Errorf("%s, λ = %v: primal w[%d] = %v, dual %v", name, lam.RatString(), j, p[j].RatString(), d[j].RatString())
				}
			}
		}
		w0, w := Ridge(X, y, new(big.Rat)), MinNorm(X, y)
		for j := range w {
			if w0[j].Cmp(w[j]) != 0 {
				t.Errorf("%s: ridge λ = 0 gives w[%d] = %v, X⁺y gives %v", name, j, w0[j].RatString(), w[j].RatString())
			}
		}
	}
	// Hand-derived: X = [1 1], y = 2, λ = 2: w = Xᵀ(XXᵀ + λ)⁻¹y = (1, 1)·2/4.
	w := Ridge(FromInt([][]int64{{1, 1}}), VecFromInt([]int64{2}), rat(2, 1))
	if w[0].Cmp(rat(1, 2)) != 0 || w[1].Cmp(rat(1, 2)) != 0 {
		t.Errorf("ridge [1 1], y = 2, λ = 2: w = %v, want (1/2, 1/2)", w)
	}
}

func TestFromDenseExact(t *testing.T) {
	d := mat.NewDense(2, 2, []float64{0.1, -3, 1e300, 5e-324})
	m, err := FromDense(d)
	if err != nil {
		t.Fatal(err)
	}
	// 0.1 as a float64 is 3602879701896397/2^55 exactly.
	if want := new(big.Rat).SetFrac(big.NewInt(3602879701896397), new(big.Int).Lsh(big.NewInt(1), 55)); m.At(0, 0).Cmp(want) != 0 {
		t.Errorf("FromDense(0.1) = %v, want %v", m.At(0, 0).RatString(), want.RatString())
	}
	if !mat.Equal(m.Dense(), d) {
		t.Errorf("round trip FromDense → Dense changed the matrix: %v", mat.Formatted(m.Dense()))
	}
	for _, bad := range []float64{nan(), inf(1), inf(-1)} {
		if _, err := FromDense(mat.NewDense(1, 2, []float64{1, bad})); err == nil {
			t.Errorf("FromDense accepted %v", bad)
		}
		if _, err := VecFromFloat(mat.NewVecDense(2, []float64{bad, 1})); err == nil {
			t.Errorf("VecFromFloat accepted %v", bad)
		}
	}
	// Pinv of a float matrix, exactly: the Penrose conditions hold for the
	// rational value of a matrix that has no exact float64 pseudoinverse.
	f := mat.NewDense(3, 2, []float64{0.1, 0.2, 0.3, 0.7, 1e-3, 2.5})
	X, _ := FromDense(f)
	if bad := penrose(X, Pinv(X)); len(bad) > 0 {
		t.Errorf("float matrix: Penrose conditions %v fail", bad)
	}
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"ragged":         func() { FromInt([][]int64{{1, 2}, {3}}) },
		"negative λ":     func() { Ridge(FromInt([][]int64{{1}}), VecFromInt([]int64{1}), rat(-1, 1)) },
		"short y":        func() { MinNorm(FromInt([][]int64{{1}, {2}}), VecFromInt([]int64{1})) },
		"bad Mul":        func() { Mul(New(2, 3), New(2, 3)) },
		"out of range":   func() { New(2, 2).At(2, 0) },
		"negative New":   func() { New(-1, 2) },
		"nil rat in row": func() { FromRat([][]*big.Rat{{nil}}) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: no panic", name)
				} else if s, ok := r.(string); !ok || !strings.HasPrefix(s, "exact: ") {
					t.Errorf("%s: panic %v lacks the package prefix", name, r)
				}
			}()
			f()
		}()
	}
}

// TestCost12 bounds the time of the largest intended use, a 12×12 integer
// matrix at the interpolation threshold (rank-deficient and full rank), so that
// test suites can afford many of them.
func TestCost12(t *testing.T) {
	rng := rand.New(rand.NewPCG(seed, 4))
	start := time.Now()
	const reps = 10
	for k := 0; k < reps; k++ {
		X := randInt(rng, 12, 12, 9)
		if k%2 == 1 {
			X = Mul(randInt(rng, 12, 9, 3), randInt(rng, 9, 12, 3))
		}
		if bad := penrose(X, Pinv(X)); len(bad) > 0 {
			t.Fatalf("12×12 #%d: Penrose %v fail", k, bad)
		}
	}
	per := time.Since(start) / reps
	t.Logf("12×12 Pinv plus exact Penrose check: %v each", per)
	if per > 2*time.Second {
		t.Errorf("12×12 Pinv took %v, far beyond the documented cost", per)
	}
}

func nan() float64      { return math.NaN() }
func inf(s int) float64 { return math.Inf(s) }
