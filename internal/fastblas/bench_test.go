package fastblas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// The benchmarks put the two implementations side by side inside each size,
// so that `go test -bench . -count 6` interleaves them on a noisy machine and
// `benchstat -col /impl` compares them.

var impls = []struct {
	name string
	impl blas.Float64
}{
	{"gonum", gonum.Implementation{}},
	{"fast", Implementation{}},
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 2*rng.Float64() - 1
	}
	return s
}

// BenchmarkDgemm times C = A·B for square n×n matrices and reports GFLOP/s
// (2n³ flops per product).
func BenchmarkDgemm(b *testing.B) {
	for _, n := range []int{8, 32, 64, 256, 500, 1000, 2000} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x, y, z := randSlice(rng, n*n), randSlice(rng, n*n), make([]float64, n*n)
		for _, im := range impls {
			b.Run(fmt.Sprintf("impl=%s/n=%d", im.name, n), func(b *testing.B) {
				for b.Loop() {
					im.impl.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, x, n, y, n, 0, z, n)
				}
				b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkFactorize times gonum's mat.Cholesky (of XᵀX + n·I), mat.QR (of
// X) and the Gram matrix XᵀX (mat.SymDense.SymOuterK) for a uniform random
// n×n X, with gonum's default BLAS and with
// Implementation installed through blas64.Use; the global BLAS is restored
// after each sub-benchmark.
func BenchmarkFactorize(b *testing.B) {
	const n = 1000
	rng := rand.New(rand.NewPCG(2, n))
	x := mat.NewDense(n, n, randSlice(rng, n*n))
	var spd mat.SymDense
	spd.SymOuterK(1, x.T())
	for i := range n {
		spd.SetSym(i, i, spd.At(i, i)+n)
	}
	ops := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"cholesky", func(b *testing.B) {
			var ch mat.Cholesky
			if !ch.Factorize(&spd) {
				b.Fatal("matrix not positive definite")
			}
		}},
		{"qr", func(b *testing.B) {
			var qr mat.QR
			qr.Factorize(x)
		}},
		{"gram", func(b *testing.B) {
			// XᵀX, as the normal-equations solvers form it (Dsyrk).
			var g mat.SymDense
			g.SymOuterK(1, x.T())
		}},
	}
	for _, op := range ops {
		for _, im := range impls {
			b.Run(fmt.Sprintf("op=%s/impl=%s/n=%d", op.name, im.name, n), func(b *testing.B) {
				prev := blas64.Implementation()
				blas64.Use(im.impl)
				defer blas64.Use(prev)
				for b.Loop() {
					op.run(b)
				}
			})
		}
	}
}

// BenchmarkDgemv times y = A·x and y = Aᵀ·x for an m×n A with leading
// dimension lda, the memory-bound product under the column-pivoted QR, the
// bidiagonalization and the iterative solvers, and reports the bandwidth in
// GB/s of A read. The shapes with lda = 1000 > n are the trailing blocks on
// which gonum's Dlaqps calls Dgemv; the small ones bracket the threshold
// minParallelGemv.
func BenchmarkDgemv(b *testing.B) {
	for _, sh := range [][3]int{
		{1000, 1000, 1000}, {1000, 2000, 2000}, {2000, 1000, 1000}, {2000, 2000, 2000},
		{1000, 50, 1000}, {1000, 200, 1000}, {1000, 500, 1000},
		{64, 64, 64}, {128, 128, 128}, {256, 256, 256}, {362, 362, 362},
	} {
		m, n, lda := sh[0], sh[1], sh[2]
		rng := rand.New(rand.NewPCG(3, uint64(m*n)))
		a, x, y := randSlice(rng, (m-1)*lda+n), randSlice(rng, max(m, n)), make([]float64, max(m, n))
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, im := range impls {
				b.Run(fmt.Sprintf("tA=%c/impl=%s/m=%d/n=%d/lda=%d", tA, im.name, m, n, lda), func(b *testing.B) {
					for b.Loop() {
						im.impl.Dgemv(tA, m, n, 1, a, lda, x, 1, 0, y, 1)
					}
					b.ReportMetric(8*float64(m)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
				})
			}
		}
	}
}

// BenchmarkDgemvSmall times the small and skinny products that gonum's
// LAPACK issues by the thousand (blocks of Householder vectors, a few rows
// or columns wide), with contiguous and strided vectors: the measurements
// behind gonumGemv, which leaves the ones where gonum is faster to gonum.
func BenchmarkDgemvSmall(b *testing.B) {
	type shape struct {
		tA   blas.Transpose
		m, n int
	}
	var shapes []shape
	for _, k := range []int{8, 16, 24, 32} {
		shapes = append(shapes, shape{blas.NoTrans, k, k}, shape{blas.Trans, k, k})
	}
	for _, k := range []int{4, 8, 16} {
		shapes = append(shapes, shape{blas.NoTrans, 1000, k})
	}
	for _, k := range []int{8, 16, 32} {
		shapes = append(shapes, shape{blas.Trans, k, 1000})
	}
	for _, sh := range shapes {
		rng := rand.New(rand.NewPCG(5, uint64(sh.m*sh.n)))
		a := randSlice(rng, sh.m*sh.n)
		x, y := randSlice(rng, 2*max(sh.m, sh.n)), make([]float64, 2*max(sh.m, sh.n))
		for _, inc := range []int{1, 2} {
			for _, im := range impls {
				b.Run(fmt.Sprintf("tA=%c/inc=%d/impl=%s/m=%d/n=%d", sh.tA, inc, im.name, sh.m, sh.n), func(b *testing.B) {
					for b.Loop() {
						im.impl.Dgemv(sh.tA, sh.m, sh.n, 1.5, a, sh.n, x, inc, 0.5, y, inc)
					}
				})
			}
		}
	}
}
