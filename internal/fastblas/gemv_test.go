package fastblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestDgemv checks Dgemv against gonum's, entry for entry and bit for bit
// (each entry of y is computed by gonum's own kernel on a block of A), on
// shapes above and below the parallel threshold, with strided vectors,
// padded A, beta = 0 with NaN in y, and negative increments; and checks that
// the padding of A and the gaps of strided y are untouched.
func TestDgemv(t *testing.T) {
	shapes := [][2]int{{0, 5}, {5, 0}, {1, 1}, {7, 9}, {300, 500}, {500, 300}, {1000, 131}, {131, 1000}, {17, 9000}, {9000, 17}}
	scalars := [][2]float64{{1, 0}, {-0.5, 1}, {2, -1.5}, {0, 0.5}, {0, 1}}
	incs := [][2]int{{1, 1}, {3, 2}, {-2, 1}, {1, -3}}
	rng := rand.New(rand.NewPCG(17, 18))
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for is, sh := range shapes {
			for ic, inc := range incs {
				m, n := sh[0], sh[1]
				s := scalars[(is+ic)%len(scalars)]
				alpha, beta := s[0], s[1]
				incX, incY := inc[0], inc[1]
				lenX, lenY := n, m
				if tA != blas.NoTrans {
					lenX, lenY = m, n
				}
				a := newMatrix(rng, m, n, ic)
				vec := func(l, inc int) []float64 {
					v := make([]float64, max(0, (l-1)*abs(inc)+1))
					for i := range v {
						if i%abs(inc) == 0 {
							v[i] = 2*rng.Float64() - 1
						} else {
							v[i] = padNaN
						}
					}
					if l == 0 {
						return nil
					}
					return v
				}
				x, y := vec(lenX, incX), vec(lenY, incY)
				if beta == 0 {
					for i := 0; i < len(y); i += abs(incY) {
						y[i] = math.NaN()
					}
				}
				a0, x0 := a.clone(), append([]float64(nil), x...)
				got, want := append([]float64(nil), y...), append([]float64(nil), y...)
				Implementation{}.Dgemv(tA, m, n, alpha, a.data, a.stride, x, incX, beta, got, incY)
				gonum.Implementation{}.Dgemv(tA, m, n, alpha, a.data, a.stride, x, incX, beta, want, incY)
				if !sameBits(a.data, a0.data) || !sameBits(x, x0) {
					t.Fatalf("tA=%c m=%d n=%d: A or x modified", tA, m, n)
				}
				if !sameBits(got, want) {
					t.Fatalf("tA=%c m=%d n=%d alpha=%g beta=%g incX=%d incY=%d: y differs from gonum's", tA, m, n, alpha, beta, incX, incY)
				}
				if beta == 0 && m > 0 && n > 0 && incY > 0 {
					for i := 0; i < len(got); i += incY {
						if math.IsNaN(got[i]) {
							t.Fatalf("tA=%c m=%d n=%d: beta = 0 but NaN in y survived", tA, m, n)
						}
					}
				}
			}
		}
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// TestDgemvPanics checks that invalid arguments panic with gonum's messages.
func TestDgemvPanics(t *testing.T) {
	buf := make([]float64, 100)
	type call struct {
		tA   blas.Transpose
		m, n int
		a    []float64
		lda  int
		x    []float64
		incX int
		y    []float64
		incY int
	}
	recovered := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	for i, tc := range []call{
		{'X', 2, 2, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, -1, 2, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, -1, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, 3, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, 2, buf, 2, buf, 0, buf, 1},
		{blas.NoTrans, 2, 2, buf, 2, buf, 1, buf, 0},
		{blas.NoTrans, 2, 3, buf, 3, buf[:2], 1, buf, 1},
		{blas.Trans, 2, 3, buf, 3, buf, 1, buf[:2], 1},
		{blas.NoTrans, 3, 3, buf[:8], 3, buf, 1, buf, 1},
		{blas.NoTrans, 0, 3, nil, 3, nil, 1, nil, 1},
	} {
		run := func(impl blas.Float64) any {
			y := append([]float64(nil), tc.y...)
			return recovered(func() { impl.Dgemv(tc.tA, tc.m, tc.n, 1, tc.a, tc.lda, tc.x, tc.incX, 0, y, tc.incY) })
		}
		if got, want := run(Implementation{}), run(gonum.Implementation{}); got != want {
			t.Errorf("Dgemv case %d: panic %v, gonum panics %v", i, got, want)
		}
	}
}
