package solvers

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/problem"
)

// BenchmarkCODReduce measures the choice codTallRatio makes: the time of
// "cod" on tall and wide Gaussian X of aspect ratios 1.05 to 8, with and
// without the reduction to a square triangle (sub-benchmarks reduce=yes and
// reduce=no). On a shared machine run it on one thread, where the minimum of
// several runs is stable:
//
//	GOMAXPROCS=1 OPENBLAS_NUM_THREADS=1 go test ./solvers -run XXX -bench CODReduce -count 6 | benchstat -col /reduce -
func BenchmarkCODReduce(b *testing.B) {
	const short = 500
	for _, ratio := range []float64{1.05, 1.3, 2, 4, 8} {
		long := int(ratio * short)
		for _, tall := range []bool{true, false} {
			n, p := long, short
			if !tall {
				n, p = short, long
			}
			X := problem.Gaussian(problem.New(7), n, p)
			y := problem.Gaussian(problem.New(8), n, 1)
			for _, reduce := range []bool{true, false} {
				ratio := math.Inf(1)
				if reduce {
					ratio = 1
				}
				name := fmt.Sprintf("n=%d/p=%d/reduce=%v", n, p, map[bool]string{true: "yes", false: "no"}[reduce])
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						a := mat.DenseCopyOf(X)
						B := mat.DenseCopyOf(y).RawMatrix()
						codMinNorm(a.RawMatrix(), &B, svdDefaultRCond(n, p), ratio, ratio)
					}
				})
			}
		}
	}
}

// BenchmarkCODPivotedQR compares pivotedQR (on the transposed matrix, block
// widths 16 to 128) with lapack64.Geqp3 on the same square Gaussian matrix.
func BenchmarkCODPivotedQR(b *testing.B) {
	for _, n := range []int{500, 1000} {
		src := problem.Gaussian(problem.New(9), n, n).RawMatrix().Data
		A := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
		jpvt := make([]int, n)
		tau := make([]float64, n)
		b.Run(fmt.Sprintf("n=%d/impl=geqp3", n), func(b *testing.B) {
			work := codWork(func(query []float64) { lapack64.Geqp3(A, jpvt, tau, query, -1) })
			for b.Loop() {
				copy(A.Data, src)
				for j := range jpvt {
					jpvt[j] = -1
				}
				lapack64.Geqp3(A, jpvt, tau, work, len(work))
			}
		})
		for _, nb := range []int{16, 32, 64, 128} {
			b.Run(fmt.Sprintf("n=%d/impl=pivotedQR-%d", n, nb), func(b *testing.B) {
				for b.Loop() {
					copy(A.Data, src)
					pivotedQR(A, jpvt, tau, nb)
				}
			})
		}
	}
}
