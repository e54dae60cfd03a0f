package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestDtrsvDtrmv checks every Dtrsv and Dtrmv variant, blocked (n ≥ 256)
// and not, with a padded and an exact-length A (lda = n, no slack after the
// last row) and strided x, against independent oracles: Dtrmv against the
// naive product op(A)·x with the inner-product bound of naiveGemm, Dtrsv
// by its residual as in TestDtrsm, |op(A)·x̂ − b| ≤ (4·γ_{n+2} + γ_{n+1})·
// (|op(A)|·|x̂| + |b|) (Higham, Thm 8.5); the triangles of triangularMatrix
// have NaN outside the triangle and on a unit diagonal, so reading either
// shows.
func TestDtrsvDtrmv(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, n := range []int{0, 1, 5, 255, 256, 300, 517} {
		for _, pad := range []int{0, 3} {
			for _, inc := range []int{1, 2, -1} {
				for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
					for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
						for _, d := range []blas.Diag{blas.NonUnit, blas.Unit} {
							name := fmt.Sprintf("n=%d pad=%d inc=%d %c%c%c", n, pad, inc, ul, tA, d)
							a := triangularMatrix(rng, ul, d, n, pad)
							x0 := newMatrix(rng, 1, max(0, 1+(n-1)*abs(inc)), 0).data
							for _, solve := range []bool{false, true} {
								a0 := a.clone()
								x := append([]float64(nil), x0...)
								if solve {
									Implementation{}.Dtrsv(ul, tA, d, n, a.data, a.stride, x, inc)
								} else {
									Implementation{}.Dtrmv(ul, tA, d, n, a.data, a.stride, x, inc)
								}
								if !sameBits(a.data, a0.data) {
									t.Fatalf("%s: A modified", name)
								}
								checkTrv(t, name, solve, ul, tA, d, n, a, x0, x, inc)
							}
						}
					}
				}
			}
		}
	}
}

// checkTrv compares x (the result for the input x0) with the oracle of
// TestDtrsvDtrmv. Entries of x outside the strided vector must keep x0's bits.
func checkTrv(t *testing.T, name string, solve bool, ul blas.Uplo, tA blas.Transpose, d blas.Diag, n int, a matrix, x0, x []float64, inc int) {
	t.Helper()
	idx := func(i int) int { // position of element i of a strided vector
		if inc < 0 {
			return (n - 1 - i) * -inc
		}
		return i * inc
	}
	in, out := make([]float64, n), make([]float64, n)
	for i := range n {
		in[i], out[i] = x0[idx(i)], x[idx(i)]
	}
	for p := range x {
		if (inc == 2 && p%2 == 1) && !sameBits(x[p:p+1], x0[p:p+1]) {
			t.Fatalf("%s: x[%d] between the strided entries was written", name, p)
		}
	}
	u := 0x1p-53
	gamma := func(k int) float64 { return float64(k) * u / (1 - float64(k)*u) }
	// prod = op(A)·v and its absolute bound |op(A)|·|v|, by plain loops.
	apply := func(v []float64) (prod, absProd []float64) {
		prod, absProd = make([]float64, n), make([]float64, n)
		for i := range n {
			for j := range n {
				aij := opTriangle(ul, tA, d, a, i, j)
				prod[i] += aij * v[j]
				absProd[i] += math.Abs(aij * v[j])
			}
		}
		return prod, absProd
	}
	if !solve {
		want, bound := apply(in)
		for i := range n {
			// Twice γ_{n+2}: the plain-loop reference is rounded too.
			if tol := 2 * gamma(n+2) * bound[i]; !(math.Abs(out[i]-want[i]) <= tol) {
				t.Fatalf("%s: Dtrmv x[%d] = %v, want %v ± %.3g", name, i, out[i], want[i], tol)
			}
		}
		return
	}
	res, bound := apply(out)
	for i := range n {
		if tol := (4*gamma(n+2) + gamma(n+1)) * (bound[i] + math.Abs(in[i])); !(math.Abs(res[i]-in[i]) <= tol) {
			t.Fatalf("%s: Dtrsv residual %v at %d exceeds %.3g", name, res[i]-in[i], i, tol)
		}
	}
}

// TestDtrsvPanics checks that invalid arguments panic with gonum's messages.
func TestDtrsvPanics(t *testing.T) {
	a := make([]float64, 300*300)
	x := make([]float64, 300)
	cases := []struct {
		ul     blas.Uplo
		tA     blas.Transpose
		d      blas.Diag
		n, lda int
		a, x   []float64
		inc    int
	}{
		{0, blas.NoTrans, blas.NonUnit, 300, 300, a, x, 1},
		{blas.Lower, 0, blas.NonUnit, 300, 300, a, x, 1},
		{blas.Lower, blas.NoTrans, 0, 300, 300, a, x, 1},
		{blas.Lower, blas.NoTrans, blas.NonUnit, -1, 300, a, x, 1},
		{blas.Lower, blas.NoTrans, blas.NonUnit, 300, 299, a, x, 1},
		{blas.Lower, blas.NoTrans, blas.NonUnit, 300, 300, a[:300*299], x, 1},
		{blas.Lower, blas.NoTrans, blas.NonUnit, 300, 300, a, x[:299], 1},
		{blas.Lower, blas.NoTrans, blas.NonUnit, 300, 300, a, x, 0},
	}
	catch := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	for i, c := range cases {
		for _, fn := range []string{"Dtrsv", "Dtrmv"} {
			var got, want any
			if fn == "Dtrsv" {
				got = catch(func() { Implementation{}.Dtrsv(c.ul, c.tA, c.d, c.n, c.a, c.lda, c.x, c.inc) })
				want = catch(func() { gonum.Implementation{}.Dtrsv(c.ul, c.tA, c.d, c.n, c.a, c.lda, c.x, c.inc) })
			} else {
				got = catch(func() { Implementation{}.Dtrmv(c.ul, c.tA, c.d, c.n, c.a, c.lda, c.x, c.inc) })
				want = catch(func() { gonum.Implementation{}.Dtrmv(c.ul, c.tA, c.d, c.n, c.a, c.lda, c.x, c.inc) })
			}
			if got == nil || got != want {
				t.Errorf("%s case %d: panic %v, gonum panics %v", fn, i, got, want)
			}
		}
	}
}

// BenchmarkDtrsv compares Dtrsv and Dtrmv with gonum's on a 2000×2000
// lower triangle (the solves of cod's rank certificate).
func BenchmarkDtrsv(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1000, 2000} {
		a := triangularMatrix(rng, blas.Lower, blas.NonUnit, n, 0)
		x := newMatrix(rng, 1, n, 0).data
		for _, impl := range []struct {
			name string
			b    blas.Float64Level2
		}{{"fastblas", Implementation{}}, {"gonum", gonum.Implementation{}}} {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				b.Run(fmt.Sprintf("n=%d/trans=%c/impl=%s", n, tA, impl.name), func(b *testing.B) {
					for b.Loop() {
						impl.b.Dtrsv(blas.Lower, tA, blas.NonUnit, n, a.data, a.stride, x, 1)
						impl.b.Dtrmv(blas.Lower, tA, blas.NonUnit, n, a.data, a.stride, x, 1)
					}
				})
			}
		}
	}
}
