package solvers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// scaleCopyByAt is the reference for scaleCopy: every entry read with At,
// checked and scaled with math.Ldexp one at a time (the pipeline's original
// loop, kept here as the oracle of the raw fast path).
func scaleCopyByAt(name, what string, X mat.Matrix, n, p int) (scaled, error) {
	d := mat.NewDense(n, p, nil)
	raw := d.RawMatrix()
	maxAbs := 0.0
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j := range row {
			v := X.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return scaled{}, refusal(name, ErrNotFinite, "%s[%d,%d] = %v", what, i, j, v)
			}
			row[j] = v
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
	}
	if maxAbs == 0 {
		return scaled{X: d, zero: true}, nil
	}
	_, exp := math.Frexp(maxAbs)
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j := range row {
			row[j] = math.Ldexp(row[j], -exp)
		}
	}
	return scaled{X: d, exp: exp}, nil
}

// atOnly hides every method of a matrix but those of mat.Matrix, so that
// scaleCopy must take its At path.
type atOnly struct{ mat.Matrix }

// scaleCopyEntries draws n·p entries whose magnitudes span the whole float64
// range around the scale 2^e: normal, subnormal, ±0 and huge ones.
func scaleCopyEntries(rng *rand.Rand, count, e int) []float64 {
	v := make([]float64, count)
	for i := range v {
		switch rng.IntN(6) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = math.Copysign(0, -1)
		case 2: // subnormal
			v[i] = math.Float64frombits(rng.Uint64N(1 << 52))
		case 3: // any exponent at or below 2^e
			v[i] = math.Ldexp(rng.Float64()+0.5, e-rng.IntN(e+1075))
		default: // near 2^e
			v[i] = math.Ldexp(rng.NormFloat64(), e-rng.IntN(4))
		}
		if rng.IntN(2) == 0 {
			v[i] = -v[i]
		}
		if math.IsInf(v[i], 0) {
			v[i] = math.Copysign(math.MaxFloat64, v[i])
		}
	}
	return v
}

// TestScaleCopyMatchesAt checks that scaleCopy, through its raw fast paths
// and its At path, is bit for bit the entry-by-entry At and Ldexp reference
// on dense matrices, strided views, transposes and vectors whose entries
// reach the subnormal range after scaling (huge maxima), whose maximum is
// itself subnormal (scaling up by more than 2^1022) or tiny, and that it
// reports the first non-finite entry identically and never writes its input.
func TestScaleCopyMatchesAt(t *testing.T) {
	const seed = 11
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, e := range []int{1023, 1000, 60, 1, 0, -3, -500, -1020, -1030, -1070} {
		for _, shape := range [][2]int{{1, 1}, {7, 5}, {5, 7}, {33, 70}, {70, 33}} {
			n, p := shape[0], shape[1]
			// A larger parent, so that views have a stride and an offset.
			m := 2*(n+p) + 5
			parent := mat.NewDense(m, m+1, scaleCopyEntries(rng, m*(m+1), e))
			dense := mat.DenseCopyOf(parent.Slice(0, n, 0, p))
			view := parent.Slice(2, 2+n, 3, 3+p)
			tview := parent.Slice(1, 1+p, 4, 4+n).T() // n×p
			vec := parent.ColView(p+1).(*mat.VecDense).SliceVec(1, 1+n)
			cases := []struct {
				what string
				X    mat.Matrix
				p    int
			}{
				{"dense", dense, p},
				{"view", view, p},
				{"transposed view", tview, p},
				{"transposed dense", mat.DenseCopyOf(tview.T()).T(), p},
				{"at only", atOnly{view}, p},
				{"strided vector", vec, 1},
				{"contiguous vector", mat.VecDenseCopyOf(vec), 1},
				{"transposed vector", vec.T(), n}, // 1×n; rows of X are n below
			}
			for _, c := range cases {
				rows := n
				if c.what == "transposed vector" {
					rows = 1
				}
				before := mat.DenseCopyOf(c.X)
				got, gerr := scaleCopy("s", "X", c.X, rows, c.p)
				want, werr := scaleCopyByAt("s", "X", c.X, rows, c.p)
				what := fmt.Sprintf("seed %d, max ≈ 2^%d, %d×%d %s", seed, e, rows, c.p, c.what)
				if !mat.Equal(before, c.X) {
					t.Errorf("%s: input modified", what)
				}
				if fmt.Sprint(gerr) != fmt.Sprint(werr) {
					t.Fatalf("%s: error %v, want %v", what, gerr, werr)
				}
				if got.exp != want.exp || got.zero != want.zero {
					t.Errorf("%s: exp %d zero %v, want %d %v", what, got.exp, got.zero, want.exp, want.zero)
				}
				g, w := got.X.RawMatrix().Data, want.X.RawMatrix().Data
				for k := range w {
					if math.Float64bits(g[k]) != math.Float64bits(w[k]) {
						t.Errorf("%s: entry [%d,%d] = %x, want %x (Ldexp of %x)", what, k/c.p, k%c.p,
							math.Float64bits(g[k]), math.Float64bits(w[k]), math.Float64bits(c.X.At(k/c.p, k%c.p)))
						break
					}
				}
			}
		}
	}
}

// TestScaleCopyNotFinite checks that the first non-finite entry in row-major
// order is the one reported, on the raw and the At paths, as the reference
// reports it.
func TestScaleCopyNotFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		X := mat.NewDense(4, 6, nil)
		X.Set(3, 1, 1) // ahead of the bad entries in column order, after in row order
		X.Set(2, 4, bad)
		X.Set(3, 0, math.NaN())
		for _, in := range []mat.Matrix{X, atOnly{X}, mat.DenseCopyOf(X.T()).T()} {
			_, err := scaleCopy("s", "X", in, 4, 6)
			_, want := scaleCopyByAt("s", "X", in, 4, 6)
			if err == nil || err.Error() != want.Error() {
				t.Errorf("%v at [2,4]: error %v, want %v", bad, err, want)
			}
		}
	}
}

// TestLdexpAll checks ldexpAll against math.Ldexp entry by entry over
// exponents whose power of two is normal, subnormal or overflows, on values
// whose products underflow, become subnormal, round, or overflow, and that
// it reports the first non-finite result.
func TestLdexpAll(t *testing.T) {
	const seed = 12
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, exp := range []int{-2100, -1100, -1074, -1060, -1023, -1022, -700, -53, -1, 0, 1, 52, 700, 1023, 1024, 1100, 2100} {
		for _, e := range []int{1023, 200, 0, -200, -1000, -1070} {
			v := scaleCopyEntries(rng, 200, e)
			got := append([]float64(nil), v...)
			bad := ldexpAll(got, exp)
			wantBad := -1
			for i, x := range v {
				r := math.Ldexp(x, exp)
				if math.Float64bits(got[i]) != math.Float64bits(r) {
					t.Fatalf("seed %d: ldexpAll(%x, %d) = %x, want %x", seed, math.Float64bits(x), exp,
						math.Float64bits(got[i]), math.Float64bits(r))
				}
				if wantBad < 0 && (math.IsInf(r, 0) || math.IsNaN(r)) {
					wantBad = i
				}
			}
			if bad != wantBad {
				t.Errorf("seed %d, 2^%d, max ≈ 2^%d: first non-finite at %d, want %d", seed, exp, e, bad, wantBad)
			}
		}
	}
}

// BenchmarkScaleCopy compares scaleCopy (raw fast path) with the reference
// At and Ldexp loop on a 1000×1000 Gaussian X and its transpose.
func BenchmarkScaleCopy(b *testing.B) {
	const n = 1000
	rng := rand.New(rand.NewPCG(13, 0))
	data := make([]float64, n*n)
	for i := range data {
		data[i] = 3 * rng.NormFloat64()
	}
	X := mat.NewDense(n, n, data)
	for _, in := range []struct {
		name string
		X    mat.Matrix
	}{{"dense", X}, {"transpose", X.T()}} {
		for _, impl := range []struct {
			name string
			f    func(string, string, mat.Matrix, int, int) (scaled, error)
		}{{"raw", scaleCopy}, {"at", scaleCopyByAt}} {
			b.Run("x="+in.name+"/impl="+impl.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := impl.f("s", "X", in.X, n, n); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestRangeFinite checks rangeFinite and maxAbsFinite (one branch-free pass
// over bit patterns) against plain float comparisons on vectors of every
// length up to 9 drawn from values that stress the bit tricks: ±0, the
// smallest subnormal, ±MaxFloat64, ±Inf and NaN with either sign bit.
func TestRangeFinite(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1, -2.5, 0x1p-1022, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(math.NaN(), -1)}
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := 0; trial < 20000; trial++ {
		v := make([]float64, rng.IntN(10))
		for i := range v {
			v[i] = vals[rng.IntN(len(vals))]
		}
		wantMax, wantMin, wantBad := 0.0, math.Inf(1), -1
		for i, x := range v {
			a := math.Abs(x)
			if math.IsNaN(a) || math.IsInf(a, 0) {
				wantBad = i
				break
			}
			wantMax = math.Max(wantMax, a)
			if a != 0 {
				wantMin = math.Min(wantMin, a)
			}
		}
		hi, lo, bad := rangeFinite(v)
		m, bad2 := maxAbsFinite(v)
		if bad != wantBad || bad2 != wantBad || wantBad < 0 && (hi != wantMax || lo != wantMin || m != wantMax) {
			t.Fatalf("%v: rangeFinite = %v, %v, %d; maxAbsFinite = %v, %d; want %v, %v, %d", v, hi, lo, bad, m, bad2, wantMax, wantMin, wantBad)
		}
	}
}
