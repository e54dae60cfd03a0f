package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestDsyrkBlocking complements TestDsyrk on the shapes where the packed
// triangle's blocking matters: orders past the nc column panel (2048) and
// past several mc row blocks with ragged edges, k past the kc depth, on one
// and on several goroutines. Each result is checked against the naive
// product within 2·γ_{k+3} of Σ|terms|, and the other triangle and the
// padding of C must be left bit for bit.
func TestDsyrkBlocking(t *testing.T) {
	const seed = 21
	rng := rand.New(rand.NewPCG(seed, 0))
	cases := []struct{ n, k int }{{2053, 2}, {97, 600}, {199, 257}, {1, 2049}, {300, 40}}
	for _, procs := range []int{1, 3} {
		prev := runtime.GOMAXPROCS(procs)
		for i, tc := range cases {
			n, k := tc.n, tc.k
			for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
				for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					alpha, beta := []float64{1, -0.75}[i%2], []float64{0, 1, 0.5}[i%3]
					ar, ac := n, k
					tB := blas.Trans
					if tA != blas.NoTrans {
						ar, ac, tB = k, n, blas.NoTrans
					}
					a := newMatrix(rng, ar, ac, i%3)
					c := newMatrix(rng, n, n, 1+i%2)
					for r := range n {
						for j := range n {
							if !inTriangle(ul, r, j) {
								c.data[r*c.stride+j] = padNaN
							} else if beta == 0 {
								c.data[r*c.stride+j] = math.NaN()
							}
						}
					}
					got := c.clone()
					Implementation{}.Dsyrk(ul, tA, n, k, alpha, a.data, a.stride, beta, got.data, got.stride)
					ref, bound := naiveGemm(tA, tB, n, n, k, alpha, a, a, beta, c)
					tol := 2 * gamma(k+3)
					what := fmt.Sprintf("seed %d, GOMAXPROCS %d, ul=%c tA=%c n=%d k=%d alpha=%g beta=%g", seed, procs, ul, tA, n, k, alpha, beta)
				check:
					for r := range n {
						for j := range n {
							idx := r*got.stride + j
							if !inTriangle(ul, r, j) {
								if math.Float64bits(got.data[idx]) != math.Float64bits(c.data[idx]) {
									t.Errorf("%s: C[%d,%d] outside the triangle changed", what, r, j)
									break check
								}
								continue
							}
							if d := math.Abs(got.data[idx] - ref[r*n+j]); !(d <= tol*bound[r*n+j]) {
								t.Errorf("%s: C[%d,%d] = %v, want %v", what, r, j, got.data[idx], ref[r*n+j])
								break check
							}
						}
					}
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// BenchmarkDsyrk times C = AᵀA (the Gram matrix of the normal equations,
// A n×n row-major) against the full product AᵀA by Dgemm and gonum's Dsyrk;
// GFLOP/s counts the n²·k flops of one triangle.
func BenchmarkDsyrk(b *testing.B) {
	for _, n := range []int{256, 1000, 2000} {
		rng := rand.New(rand.NewPCG(4, uint64(n)))
		a, c := randSlice(rng, n*n), make([]float64, n*n)
		ops := []struct {
			name string
			run  func()
		}{
			{"syrk", func() { Implementation{}.Dsyrk(blas.Upper, blas.Trans, n, n, 1, a, n, 0, c, n) }},
			{"gemm", func() { Implementation{}.Dgemm(blas.Trans, blas.NoTrans, n, n, n, 1, a, n, a, n, 0, c, n) }},
			{"gonum-syrk", func() { gonum.Implementation{}.Dsyrk(blas.Upper, blas.Trans, n, n, 1, a, n, 0, c, n) }},
		}
		for _, op := range ops {
			if op.name == "gonum-syrk" && n > 1000 {
				continue
			}
			b.Run(fmt.Sprintf("op=%s/n=%d", op.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					op.run()
				}
				b.ReportMetric(float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
