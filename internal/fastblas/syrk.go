package fastblas

import (
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
)

// Dsyrk performs one of the symmetric rank-k operations
//
//	C = alpha·A·Aᵀ + beta·C   if tA == blas.NoTrans (A is n×k)
//	C = alpha·Aᵀ·A + beta·C   if tA == blas.Trans or blas.ConjTrans (A is k×n)
//
// where C is an n×n symmetric matrix of which only the triangle ul is read
// and written. It panics on the same invalid arguments, with the same
// messages, as gonum.Implementation.Dsyrk. C is not read when beta = 0.
//
// It is the packed algorithm of Dgemm restricted to one triangle: for each
// kc-deep slice of op(A) the slice is packed once as the B operand (op(A)ᵀ,
// shared by the workers) and, block of mc rows by block, as the A operand;
// the micro-kernel then runs only on the mr×nr tiles of C that meet the
// triangle, those straddling the diagonal through a scratch tile of which
// only the triangle's part is added. It does about n·(n+nr)·k flops instead
// of the 2·n²·k of a full product, and the row blocks are shared among the
// processors as they free up (the blocks' work differs along a triangle).
func (impl Implementation) Dsyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if ul != blas.Lower && ul != blas.Upper {
		panic(msgBadUplo)
	}
	if tA != blas.Trans && tA != blas.NoTrans && tA != blas.ConjTrans {
		panic(msgBadTrans)
	}
	if n < 0 {
		panic(msgNLT0)
	}
	if k < 0 {
		panic(msgKLT0)
	}
	row, col := k, n
	if tA == blas.NoTrans {
		row, col = n, k
	}
	if lda < max(1, col) {
		panic(msgBadLdA)
	}
	if ldc < max(1, n) {
		panic(msgBadLdC)
	}
	if n == 0 {
		return
	}
	if len(a) < lda*(row-1)+col {
		panic(msgShortA)
	}
	if len(c) < ldc*(n-1)+n {
		panic(msgShortC)
	}

	if alpha == 0 || k == 0 {
		scaleTriangle(ul, n, beta, c, ldc)
		return
	}
	scaleTriangle(ul, n, beta, c, ldc)
	syrk(ul == blas.Upper, tA != blas.NoTrans, n, k, alpha, a, lda, c, ldc)
}

// syrk adds alpha·op(A)·op(A)ᵀ to the triangle (upper when upper) of the n×n
// C, for k ≥ 1 and alpha ≠ 0 with arguments already validated; op(A) is A
// (n×k) or, when trans, Aᵀ (A is k×n).
func syrk(upper, trans bool, n, k int, alpha float64, a []float64, lda int, c []float64, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if float64(n)*float64(n)*float64(k) < minParallelFlops {
		workers = 1
	}
	workers = min(workers, (n+mcBlock-1)/mcBlock)
	// One workspace per worker for its packed block of op(A), taken once
	// for the whole call; the first also holds the shared packed panel.
	ws := make([]*workspace, workers)
	for w := range ws {
		panelCols := 0
		if w == 0 {
			panelCols = min(n, ncBlock)
		}
		ws[w] = getWorkspace(mcBlock, panelCols, k)
		defer workspaces.Put(ws[w])
	}
	panel := ws[0].b
	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		// Row blocks that meet the triangle within columns jc…jc+nc−1.
		icLo, icHi := 0, min(n, jc+nc) // upper: rows before the panel's end
		if !upper {
			icLo, icHi = jc/mcBlock*mcBlock, n // lower: rows from the panel's start
		}
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			// The B operand op(B) = op(A)ᵀ: op(B)[p, j] = op(A)[j, p].
			packPanel(workers, !trans, a, lda, pc, jc, kc, nc, panel)
			// Row blocks are handed out largest first (longest
			// pieces of triangle: the last blocks for the lower
			// triangle, the first for the upper), so that the block
			// a worker takes last is a small one and the workers
			// finish together. Each tile of C is written by one
			// block, so the order does not change the result.
			blocks := (icHi - icLo + mcBlock - 1) / mcBlock
			var next atomic.Int64
			work := func(ap []float64) {
				for {
					b := int(next.Add(1)) - 1
					if b >= blocks {
						return
					}
					if !upper {
						b = blocks - 1 - b
					}
					ic := icLo + b*mcBlock
					mc := min(mcBlock, n-ic)
					packA(trans, a, lda, ic, pc, mc, kc, ap)
					syrkBlock(upper, ic, jc, mc, nc, kc, alpha, ap, panel, c, ldc)
				}
			}
			var wg sync.WaitGroup
			for w := 1; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					work(ws[w].a)
				}()
			}
			work(ws[0].a)
			wg.Wait()
		}
	}
}

// packPanel is packB of the kc×nc panel of op(B) at row pc, column jc,
// split into column strips of whole nr-column slivers packed concurrently
// by up to workers goroutines.
func packPanel(workers int, bTrans bool, b []float64, ldb, pc, jc, kc, nc int, bp []float64) {
	strip := ((nc+workers-1)/workers + nr - 1) / nr * nr
	if workers == 1 || strip >= nc {
		packB(bTrans, b, ldb, pc, jc, kc, nc, bp)
		return
	}
	var wg sync.WaitGroup
	for j := 0; j < nc; j += strip {
		wg.Add(1)
		go func() {
			defer wg.Done()
			packB(bTrans, b, ldb, pc, jc+j, kc, min(strip, nc-j), bp[j*kc:])
		}()
	}
	wg.Wait()
}

// syrkBlock adds alpha times the product of the packed mc×kc block of op(A)
// at row ic and the packed kc×nc panel of op(A)ᵀ at column jc to the tiles
// of C's triangle (upper when upper) in rows ic…ic+mc−1, columns
// jc…jc+nc−1. Tiles wholly inside the triangle go straight to C; a tile
// straddling the diagonal or overhanging C is computed into a scratch tile
// and only its entries inside both are added; tiles wholly outside are
// skipped.
func syrkBlock(upper bool, ic, jc, mc, nc, kc int, alpha float64, ap, bp, c []float64, ldc int) {
	var tile [mr * nr]float64
	// The columns of the panel that can meet the triangle in these rows.
	jrLo, jrHi := 0, nc
	if upper {
		jrLo = max(0, ic-jc) / nr * nr
	} else {
		jrHi = min(nc, ic+mc-jc)
	}
	for jr := jrLo; jr < jrHi; jr += nr {
		cols := min(nr, nc-jr)
		bs := bp[jr*kc : (jr+nr)*kc]
		j0 := jc + jr // first column of the tile in C
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			i0 := ic + ir             // first row of the tile in C
			inside := j0 >= i0+rows-1 // wholly upper
			if !upper {
				inside = j0+cols-1 <= i0
			}
			if upper && j0+cols-1 < i0 || !upper && j0 > i0+rows-1 {
				continue // wholly outside the triangle
			}
			as := ap[ir*kc : (ir+mr)*kc]
			if inside && rows == mr && cols == nr {
				kernel(kc, as, bs, c[i0*ldc+j0:], ldc, alpha)
				continue
			}
			tile = [mr * nr]float64{}
			kernel(kc, as, bs, tile[:], nr, 1)
			for r := 0; r < rows; r++ {
				lo, hi := 0, cols // the tile's columns inside the triangle in row i0+r
				if upper {
					lo = max(0, i0+r-j0)
				} else {
					hi = min(cols, i0+r-j0+1)
				}
				crow := c[(i0+r)*ldc+j0:]
				for j := lo; j < hi; j++ {
					crow[j] += alpha * tile[r*nr+j]
				}
			}
		}
	}
}

// scaleTriangle sets the triangle ul of the n×n C to beta·C, writing zeros
// without reading C when beta = 0.
func scaleTriangle(ul blas.Uplo, n int, beta float64, c []float64, ldc int) {
	for i := 0; i < n; i++ {
		lo, hi := 0, i+1
		if ul == blas.Upper {
			lo, hi = i, n
		}
		scale(1, hi-lo, beta, c[i*ldc+lo:], ldc)
	}
}
