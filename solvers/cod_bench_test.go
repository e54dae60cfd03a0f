package solvers

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/minnorm/lstsq/internal/problem"
)

// BenchmarkCODPaths measures what the default path gains: "cod" on
// Gaussian X (full rank, so the certificate holds) of the benchmark shapes
// scaled down to 500 and 1000, on each path (sub-benchmarks path=auto, the
// default; reduced, the unpivoted factorization then the pivoted QR of its
// triangle, which is what a failed certificate costs; direct, the pivoted QR
// of X itself, COD's path before the certificate):
//
//	go test ./solvers -run XXX -bench CODPaths -count 6 | benchstat -col /path -
func BenchmarkCODPaths(b *testing.B) {
	for _, sh := range [][2]int{{500, 500}, {1000, 500}, {500, 1000}, {1000, 1000}} {
		n, p := sh[0], sh[1]
		X := problem.Gaussian(problem.New(7), n, p)
		y := problem.Gaussian(problem.New(8), n, 1)
		for _, path := range []struct {
			name string
			mode codMode
		}{{"auto", codAuto}, {"reduced", codReduced}, {"direct", codDirect}} {
			s := &COD{cfg: newConfig(optRCond, nil), mode: path.mode}
			b.Run(fmt.Sprintf("n=%d/p=%d/path=%s", n, p, path.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Solve(X, y.ColView(0)); err != nil {
						b.Fatal(err)
					}
				}
			})
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
