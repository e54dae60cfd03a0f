package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestGemvPair checks GemvPair against Dgemv and a naive product: y must
// have exactly the bits of this package's Dgemv (same kernel, same blocks
// of rows; beta·y when n = 0, where Dgemv returns without scaling y), z = alpha·Aᵀ·y (with the new y) must be within the inner-product
// bound γ_{m+2}·|alpha|·|A|ᵀ·|y| of the plain-loop product, z must not
// depend on the split among goroutines (the serial and the parallel path
// give the same bits), and A and x must be untouched.
func TestGemvPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	u := 0x1p-53
	// Dgemv hands small products to gonum; compare with its own kernels.
	delegateSmallGemv = false
	t.Cleanup(func() { delegateSmallGemv = true })
	for _, m := range []int{0, 1, 7, 8, 255, 256, 257, 600, 1000} {
		for _, n := range []int{0, 1, 5, 300, 2100} {
			for k, beta := range []float64{0, 1, -0.5} {
				alpha := []float64{1, 0.5, -2, 0}[(m+n+k)%4]
				name := fmt.Sprintf("m=%d n=%d alpha=%v beta=%v", m, n, alpha, beta)
				a := newMatrix(rng, m, n, k)
				x := newMatrix(rng, 1, n, 0).data
				y0 := newMatrix(rng, 1, m, 0).data
				if beta == 0 {
					for i := range y0 {
						y0[i] = math.NaN() // not read
					}
				}
				a0, x0 := a.clone(), append([]float64(nil), x...)
				run := func(parallel bool) (y, z []float64) {
					saved := minParallelGemv
					if parallel {
						minParallelGemv = 1
					} else {
						minParallelGemv = math.MaxInt
					}
					defer func() { minParallelGemv = saved }()
					y = append([]float64(nil), y0...)
					z = make([]float64, n)
					for j := range z {
						z[j] = math.NaN() // overwritten, not read
					}
					GemvPair(m, n, alpha, a.data, a.stride, x, beta, y, z)
					return y, z
				}
				y, z := run(false)
				yp, zp := run(true)
				if !sameBits(y, yp) || !sameBits(z, zp) {
					t.Fatalf("%s: the parallel path gives other bits", name)
				}
				if !sameBits(a.data, a0.data) || !sameBits(x, x0) {
					t.Fatalf("%s: A or x modified", name)
				}
				want := append([]float64(nil), y0...)
				switch {
				case n == 0: // y = beta·y (Dgemv returns at once when n = 0)
					for i := range want {
						want[i] = 0
						if beta != 0 {
							want[i] = beta * y0[i]
						}
					}
				case m > 0:
					Implementation{}.Dgemv(blas.NoTrans, m, n, alpha, a.data, a.stride, x, 1, beta, want, 1)
				}
				if !sameBits(y, want) {
					t.Fatalf("%s: y differs from Dgemv's", name)
				}
				for j := 0; j < n; j++ {
					ref, bound := 0.0, 0.0
					for i := 0; i < m; i++ {
						p := alpha * a.data[i*a.stride+j] * y[i]
						ref += p
						bound += math.Abs(p)
					}
					// Twice the bound: the plain-loop reference is itself
					// rounded, with the same bound.
					g := float64(m+2) * u / (1 - float64(m+2)*u)
					if !(math.Abs(z[j]-ref) <= 2*g*bound) {
						t.Fatalf("%s: z[%d] = %v, want %v ± %.3g", name, j, z[j], ref, 2*g*bound)
					}
				}
			}
		}
	}
}

// BenchmarkGemvPair compares one GemvPair with the two Dgemv calls it
// replaces in a Golub–Kahan step.
func BenchmarkGemvPair(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][2]int{{1000, 1000}, {1000, 2000}, {2000, 1000}, {2000, 2000}} {
		m, n := sh[0], sh[1]
		a := newMatrix(rng, m, n, 0)
		x := newMatrix(rng, 1, n, 0).data
		y := newMatrix(rng, 1, m, 0).data
		z := make([]float64, n)
		b.Run(fmt.Sprintf("m=%d/n=%d/impl=pair", m, n), func(b *testing.B) {
			for b.Loop() {
				GemvPair(m, n, 1, a.data, a.stride, x, -0.5, y, z)
			}
		})
		b.Run(fmt.Sprintf("m=%d/n=%d/impl=dgemv2", m, n), func(b *testing.B) {
			for b.Loop() {
				Implementation{}.Dgemv(blas.NoTrans, m, n, 1, a.data, a.stride, x, 1, -0.5, y, 1)
				Implementation{}.Dgemv(blas.Trans, m, n, 1, a.data, a.stride, y, 1, 0, z, 1)
			}
		})
	}
}
