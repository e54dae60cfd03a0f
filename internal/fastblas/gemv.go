package fastblas

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
)

// minParallelGemv is the number of entries of A (8 bytes each) below which
// Dgemv runs on one goroutine: under 1 MiB the product takes tens of
// microseconds and a second goroutine gains little.
const minParallelGemv = 1 << 17

// Dgemv performs one of the matrix-vector operations
//
//	y = alpha·A·x + beta·y    if tA == blas.NoTrans
//	y = alpha·Aᵀ·x + beta·y   if tA == blas.Trans or blas.ConjTrans
//
// where A is an m×n dense matrix, x and y are vectors, and alpha and beta are
// scalars. It panics on the same invalid arguments, with the same messages,
// as gonum.Implementation.Dgemv.
//
// The product is memory bound, and one core does not saturate the memory
// bus: large products are split among the processors by blocks of y (rows of
// A for A·x, columns of A for Aᵀ·x), each block computed by gonum's Dgemv.
// Each entry of y is thus computed exactly as gonum computes it. The
// column-pivoted QR (Dlaqps) and the bidiagonalization (Dlabrd) of gonum's
// LAPACK spend most of their time here, as do iterative solvers.
func (impl Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	// With alpha = 0 and beta = 1 gonum checks every argument and returns.
	impl.Implementation.Dgemv(tA, m, n, 0, a, lda, x, incX, 1, y, incY)
	if m == 0 || n == 0 || (alpha == 0 && beta == 1) {
		return
	}
	lenY := m
	if tA != blas.NoTrans {
		lenY = n
	}
	workers := min(runtime.GOMAXPROCS(0), lenY/8)
	if float64(m)*float64(n) < minParallelGemv || alpha == 0 || incX < 0 || incY < 0 || workers < 2 {
		// Negative increments index the vectors from their far end; they
		// are rare, and left to gonum whole.
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	strip := ((lenY+workers-1)/workers + 7) / 8 * 8
	var wg sync.WaitGroup
	for start := 0; start < lenY; start += strip {
		size := min(strip, lenY-start)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tA == blas.NoTrans {
				impl.Implementation.Dgemv(tA, size, n, alpha, a[start*lda:], lda, x, incX, beta, y[start*incY:], incY)
				return
			}
			impl.Implementation.Dgemv(tA, m, size, alpha, a[start:], lda, x, incX, beta, y[start*incY:], incY)
		}()
	}
	wg.Wait()
}
