package fastblas

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// minParallelGemv is the number of entries of A below which Dgemv runs on
// one goroutine. With the helpers of pool.go, splitting a product between
// the two cores of our AMD EPYC paid from 2¹⁶ entries for A·x and 2¹⁷ for
// Aᵀ·x (BenchmarkDgemv-style runs, GB/s of A read, one core → two: 128²
// 90 → 78 and 82 → 68, 256² 63 → 101 and 66 → 59–66, 362² 58 → 105 and
// 64 → 77, 1000² 54 → 105 and 56 → 86, 2000² 26 → 45 and 20 → 47); hence
// 2¹⁷. (Before the helpers, with a goroutine started per product, the
// split lost below 2²¹ entries.) It is a variable only so that the tests
// can lower it to reach the parallel path on small matrices.
var minParallelGemv = 1 << 17

// Dgemv performs one of the matrix-vector operations
//
//	y = alpha·A·x + beta·y    if tA == blas.NoTrans
//	y = alpha·Aᵀ·x + beta·y   if tA == blas.Trans or blas.ConjTrans
//
// where A is an m×n dense matrix, x and y are vectors, and alpha and beta are
// scalars. It panics on the same invalid arguments, with the same messages,
// as gonum.Implementation.Dgemv. As there, beta = 0 overwrites y without
// reading it (a NaN in y does not survive) and alpha = 0 leaves A and x
// unread.
//
// The product streams A through memory once and is bound by the bandwidth.
// A·x takes four rows of A at a time, as four dot products sharing each load
// of x; Aᵀ·x takes eight rows at a time and adds their multiples to y, so
// that y is read and written once per eight rows. Both run as AVX2/FMA
// assembly when the CPU has it (see kernel); otherwise the blocks of y are
// computed by gonum's Dgemv. Strided x
// (for A·x) or y (for Aᵀ·x) is first copied to a contiguous buffer. Large
// products are split among the processors by blocks of y: rows of A for A·x,
// columns of A for Aᵀ·x, so that no partial sums need adding up.
//
// Each entry of y is a dot product of length k (k = n for A·x, m for Aᵀ·x)
// summed in a different order from gonum's and with fused multiply-adds;
// both satisfy |ŷ − y| ≤ γ_{k+2}·(|alpha|·|op(A)|·|x| + |beta|·|y|)
// (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1).
// The blocks of y are aligned to the kernels' blocks and each entry goes
// through the same operations wherever it falls, so the result does not
// depend on GOMAXPROCS.
func (impl Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if gonumGemv(tA, m, n, incY) {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	// With alpha = 0 and beta = 1 gonum checks every argument and returns.
	impl.Implementation.Dgemv(tA, m, n, 0, a, lda, x, incX, 1, y, incY)
	if m == 0 || n == 0 || (alpha == 0 && beta == 1) {
		return
	}
	if alpha == 0 {
		// y = beta·y, which gonum does without reading A or x.
		impl.Implementation.Dgemv(tA, m, n, 0, a, lda, x, incX, beta, y, incY)
		return
	}
	if tA == blas.NoTrans {
		gemvN(m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	gemvT(m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// gonumGemv reports whether gonum's Dgemv is faster than the kernels here,
// as measured with BenchmarkDgemvSmall: below 512 entries of A, where the
// fixed costs dominate; for A·x with dot products shorter than 12, which the
// kernels' blocks of columns do not fill; and for Aᵀ·x with fewer than 16
// rows (32 for a strided y, which is copied twice), too few for the blocks
// of eight rows to save passes over y. It also takes every invalid m or n,
// for which gonum panics.
func gonumGemv(tA blas.Transpose, m, n, incY int) bool {
	if !delegateSmallGemv {
		return false
	}
	if m*n < 512 {
		return true
	}
	if tA == blas.NoTrans {
		return n < 12
	}
	return m < 16 || (incY != 1 && m < 32)
}

// delegateSmallGemv enables gonumGemv. Tests switch it off to exercise the
// kernels on small shapes too.
var delegateSmallGemv = true

// gemv holds the arguments of one product, checked, with m, n ≥ 1 and
// alpha ≠ 0; kx and ky index entry 0 of x and y. Its methods compute blocks
// of y; they take a value receiver, so that the serial path allocates
// nothing and each goroutine gets its own copy.
type gemv struct {
	m, n        int
	alpha, beta float64
	a           []float64
	lda         int
	x           []float64
	kx, incX    int
	y           []float64
	ky, incY    int
	ys          []float64 // contiguous copy of a strided y (Aᵀ·x only)
}

// gemvN computes y = alpha·A·x + beta·y, with x contiguous.
func gemvN(m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if incX != 1 {
		buf := getVector(n)
		defer vectors.Put(buf)
		x = gather(n, x, incX, *buf)
	}
	g := gemv{m: m, n: n, alpha: alpha, beta: beta, a: a, lda: lda, x: x, incX: 1, y: y, ky: start(m, incY), incY: incY}
	if workers := gemvWorkers(m, n, 4); workers > 1 {
		split(m, 4, workers, g.rows)
		return
	}
	g.rows(0, m)
}

// rows computes entries lo to hi−1 of y = alpha·A·x + beta·y.
func (g gemv) rows(lo, hi int) {
	iy := g.ky + lo*g.incY
	scaleVector(hi-lo, g.beta, g.y, iy, g.incY)
	gemvNKernel(hi-lo, g.n, g.alpha, g.a[lo*g.lda:], g.lda, g.x, g.y, iy, g.incY)
}

// gemvT computes y = alpha·Aᵀ·x + beta·y, with y contiguous.
func gemvT(m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	g := gemv{m: m, n: n, alpha: alpha, beta: beta, a: a, lda: lda, x: x, kx: start(m, incX), incX: incX, y: y, ky: start(n, incY), incY: incY}
	if incY != 1 {
		buf := getVector(n)
		defer vectors.Put(buf)
		g.ys = (*buf)[:n]
	}
	if workers := gemvWorkers(n, m, 8); workers > 1 {
		split(n, 8, workers, g.cols)
		return
	}
	g.cols(0, n)
}

// cols computes entries lo to hi−1 of y = alpha·Aᵀ·x + beta·y.
func (g gemv) cols(lo, hi int) {
	if g.ys == nil {
		scaleVector(hi-lo, g.beta, g.y, lo, 1)
		gemvTKernel(g.m, hi-lo, g.alpha, g.a[lo:], g.lda, g.x, g.kx, g.incX, g.y[lo:])
		return
	}
	ys, y, inc := g.ys[lo:hi], g.y, g.incY
	iy := g.ky + lo*inc
	if g.beta == 0 {
		clear(ys)
	} else {
		for j := range ys {
			ys[j] = g.beta * y[iy]
			iy += inc
		}
	}
	gemvTKernel(g.m, hi-lo, g.alpha, g.a[lo:], g.lda, g.x, g.kx, g.incX, ys)
	iy = g.ky + lo*inc
	for _, v := range ys {
		y[iy] = v
		iy += inc
	}
}

// gemvWorkers is the number of goroutines for a product that splits size
// entries of y into blocks of a multiple of align, each a dot product of
// length other: one below minParallelGemv entries of A, else up to
// GOMAXPROCS but at most maxGemvWorkers.
func gemvWorkers(size, other, align int) int {
	if float64(size)*float64(other) < float64(minParallelGemv) {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), maxGemvWorkers, size/align))
}

// maxGemvWorkers caps the goroutines of one product, and so the helpers
// that poll after it (pool.go). The product is bound by memory bandwidth,
// which a few cores saturate; we measured only two, so the cap is a guess
// that keeps the polling of idle helpers small on large machines.
const maxGemvWorkers = 8

// split calls do(lo, hi) on up to workers blocks that cover [0, size), each
// a multiple of align long but the last, in parallel: the first blocks on
// the helpers (see helperPool), the last on the calling goroutine. When
// another product holds the helpers it calls do(0, size) alone; every entry
// of y goes through the same operations either way.
func split(size, align, workers int, do func(lo, hi int)) {
	if !helpers.owner.TryLock() {
		do(0, size)
		return
	}
	defer helpers.owner.Unlock()
	block := ((size+workers-1)/workers + align - 1) / align * align
	hs := helpers.get(workers - 1)
	lo, used := 0, 0
	for ; lo+block < size && used < len(hs); lo += block {
		l := lo
		hs[used].start(func() { do(l, l+block) })
		used++
	}
	do(lo, size)
	for _, h := range hs[:used] {
		h.finish()
	}
}

// start is the index of entry 0 of a vector of length l with increment inc:
// a negative increment walks the vector from its far end, as in the
// reference BLAS.
func start(l, inc int) int {
	if inc < 0 {
		return (1 - l) * inc
	}
	return 0
}

// gather copies the n entries of the vector x with increment inc into buf and
// returns them.
func gather(n int, x []float64, inc int, buf []float64) []float64 {
	buf = buf[:n]
	ix := start(n, inc)
	for j := range buf {
		buf[j] = x[ix]
		ix += inc
	}
	return buf
}

// scaleVector sets y[iy + j·inc] = beta·y[iy + j·inc] for j < n, and to zero
// without reading it when beta = 0.
func scaleVector(n int, beta float64, y []float64, iy, inc int) {
	switch {
	case beta == 1:
	case inc == 1:
		y = y[iy : iy+n]
		if beta == 0 {
			clear(y)
			return
		}
		for j := range y {
			y[j] *= beta
		}
	case beta == 0:
		for range n {
			y[iy] = 0
			iy += inc
		}
	default:
		for range n {
			y[iy] *= beta
			iy += inc
		}
	}
}

// vectors holds the contiguous copies of strided vectors.
var vectors = sync.Pool{New: func() any { return new([]float64) }}

func getVector(n int) *[]float64 {
	buf := vectors.Get().(*[]float64)
	if cap(*buf) < n {
		*buf = make([]float64, n)
	}
	return buf
}

// gemvNKernel computes
//
//	y[ky + i·incY] += alpha · Σ_{j<n} a[i·lda + j]·x[j],   i < m,
//
// in assembly when available and enabled (see kernel), and otherwise with
// gonum's kernel, which is faster than plain Go where gonum has assembly of
// its own (SSE2 on amd64 CPUs without AVX2).
func gemvNKernel(m, n int, alpha float64, a []float64, lda int, x, y []float64, ky, incY int) {
	if m == 0 {
		return
	}
	if useAsmKernel {
		gemvNAsm(m, n, alpha, a, lda, x, y, ky, incY)
		return
	}
	// gonum indexes a negative increment from the far end, which is the
	// lowest index in y.
	gonum.Implementation{}.Dgemv(blas.NoTrans, m, n, alpha, a, lda, x, 1, 1, y[min(ky, ky+(m-1)*incY):], incY)
}

// gemvTKernel computes
//
//	y[j] += Σ_{i<m} (alpha·x[kx + i·incX])·a[i·lda + j],   j < n,
//
// in assembly when available and enabled, and otherwise with gonum's kernel.
func gemvTKernel(m, n int, alpha float64, a []float64, lda int, x []float64, kx, incX int, y []float64) {
	if n == 0 {
		return
	}
	if useAsmKernel {
		gemvTAsm(m, n, alpha, a, lda, x, kx, incX, y)
		return
	}
	gonum.Implementation{}.Dgemv(blas.Trans, m, n, alpha, a, lda, x[min(kx, kx+(m-1)*incX):], incX, 1, y, 1)
}
