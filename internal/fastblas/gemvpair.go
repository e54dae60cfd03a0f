package fastblas

// pairChunk is the number of rows of A whose contribution to z GemvPair
// sums into one partial vector; the partials are added in order, so the
// result does not depend on how many goroutines share the work. A multiple
// of eight, as are the row blocks, so that every entry of y goes through
// the same kernel calls as in Dgemv.
const pairChunk = 256

// GemvPair computes, in one pass over the m×n row-major A (leading
// dimension lda),
//
//	y = alpha·A·x + beta·y   (x of length n, y of length m),
//	z = alpha·Aᵀ·y           (with the new y; z of length n),
//
// the two products of a Golub–Kahan step with the normalization of y left
// to the caller. x, y and z are contiguous; z is overwritten (not read) and
// must not overlap x or y. beta = 0 overwrites y without reading it.
//
// Blocks of eight or more rows of A (at most about 128 KiB) are used twice
// while they are in cache: first for their entries of y (Dgemv's A·x
// kernel, so y has exactly Dgemv's bits), then for their contribution to z
// (the Aᵀ·x kernel), so that A streams from memory once instead of twice.
// Each run of pairChunk rows accumulates its own partial z; the partials
// are summed in row order, so z does not depend on GOMAXPROCS. Every entry
// of z is an inner product of length m summed in another order than
// Dgemv's, with the same bound |ẑ − z| ≤ γ_{m+2}·|alpha|·|A|ᵀ·|y|. Large
// products are split among the processors by chunks.
func GemvPair(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y, z []float64) {
	if m < 0 || n < 0 || lda < max(1, n) || len(x) < n || len(y) < m || len(z) < n || (m > 0 && n > 0 && len(a) < lda*(m-1)+n) {
		panic("fastblas: GemvPair: bad dimensions")
	}
	clear(z[:n])
	if m == 0 {
		return
	}
	if n == 0 || alpha == 0 {
		scaleVector(m, beta, y, 0, 1)
		return
	}
	rb := max(8, (16384/n)/8*8) // rows per block: about 128 KiB of A
	chunks := (m + pairChunk - 1) / pairChunk
	var partial []float64
	var buf *[]float64
	if chunks > 1 {
		buf = getVector(chunks * n)
		defer vectors.Put(buf)
		partial = (*buf)[:chunks*n]
		clear(partial)
	}
	chunk := func(c int) {
		zc := z[:n]
		if chunks > 1 {
			zc = partial[c*n : (c+1)*n]
		}
		for i0 := c * pairChunk; i0 < min(m, (c+1)*pairChunk); i0 += rb {
			nb := min(rb, m-i0, (c+1)*pairChunk-i0)
			blk := a[i0*lda:]
			scaleVector(nb, beta, y, i0, 1)
			gemvNKernel(nb, n, alpha, blk, lda, x, y, i0, 1)
			gemvTKernel(nb, n, alpha, blk, lda, y, i0, 1, zc)
		}
	}
	if workers := min(gemvWorkers(m, n, 1), chunks); workers > 1 {
		split(chunks, 1, workers, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				chunk(c)
			}
		})
	} else {
		for c := range chunks {
			chunk(c)
		}
	}
	if chunks > 1 {
		for c := range chunks {
			zc := partial[c*n : (c+1)*n]
			for j, v := range zc {
				z[j] += v
			}
		}
	}
}
