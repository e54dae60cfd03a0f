package fastblas

import (
	"runtime"
	"sync"
)

// Block sizes of the packed algorithm (Goto and van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008): a kc×nr
// sliver of B (16 KiB) stays in the 32 KiB L1 cache while it meets every
// mr×kc sliver of an mc×kc block of A (192 KiB) kept in the 512 KiB L2 cache;
// the kc×nc panel of B (4 MiB) lives in L3.
const (
	kcBlock = 256
	mcBlock = 96   // a multiple of mr
	ncBlock = 2048 // a multiple of nr
)

// minParallelFlops is the work 2·m·n·k below which a product runs on one
// goroutine: under it, starting a goroutine and packing B twice cost more
// than the second core gains.
const minParallelFlops = 1 << 21

// workspace holds the packing buffers of one goroutine.
type workspace struct {
	a []float64 // mcBlock×kcBlock block of A, as mr-row slivers
	b []float64 // kcBlock×ncBlock panel of B, as nr-column slivers
}

// workspaceList is a bounded free list of workspaces. Unlike a sync.Pool,
// which the garbage collector empties, it keeps its buffers across
// collections, so that repeated solves do not allocate them again; it holds
// at most GOMAXPROCS workspaces (at most 4.2 MiB each: a 192 KiB block of A
// and a 4 MiB panel of B) and drops those returned beyond that.
type workspaceList struct {
	mu   sync.Mutex
	free []*workspace
}

var workspaces workspaceList

// Get returns a free workspace, the one most recently put back, or a new
// empty one when none is free.
func (l *workspaceList) Get() *workspace {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) == 0 {
		return new(workspace)
	}
	ws := l.free[len(l.free)-1]
	l.free[len(l.free)-1] = nil
	l.free = l.free[:len(l.free)-1]
	return ws
}

// Put returns ws, which the caller must no longer use, to the list, or
// drops it when the list already holds GOMAXPROCS workspaces.
func (l *workspaceList) Put(ws *workspace) {
	limit := runtime.GOMAXPROCS(0)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < limit {
		l.free = append(l.free, ws)
	}
}

// getWorkspace returns a workspace with room for the packed blocks of an
// m×n×k product, sized to the product so that small products do not pay
// for the full 4 MiB panel; buffers only grow. Return it with
// workspaces.Put.
func getWorkspace(m, n, k int) *workspace {
	ws := workspaces.Get()
	kc := min(k, kcBlock)
	if need := (min(m, mcBlock) + mr - 1) / mr * mr * kc; len(ws.a) < need {
		ws.a = make([]float64, need)
	}
	if need := (min(n, ncBlock) + nr - 1) / nr * nr * kc; len(ws.b) < need {
		ws.b = make([]float64, need)
	}
	return ws
}

// gemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// for an m×n C with k ≥ 1 and alpha ≠ 0 and arguments already validated; the
// original C is not read when beta = 0. Large products are split into row or
// column strips of C, one per processor, each computed by gemmSerial.
func gemm(aTrans, bTrans bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	workers := runtime.GOMAXPROCS(0)
	if flops := 2 * float64(m) * float64(n) * float64(k); flops < minParallelFlops {
		workers = 1
	}
	// Split the longer side of C, in whole micro-tiles.
	rows := m >= n
	length, unit := n, nr
	if rows {
		length, unit = m, mr
	}
	workers = min(workers, (length+unit-1)/unit)
	if workers <= 1 {
		gemmSerial(aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	strip := ((length+workers-1)/workers + unit - 1) / unit * unit
	var wg sync.WaitGroup
	for start := 0; start < length; start += strip {
		size := min(strip, length-start)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rows {
				aOff := start * lda // rows of op(A) are rows of A
				if aTrans {
					aOff = start // rows of op(A) are columns of A
				}
				gemmSerial(aTrans, bTrans, size, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[start*ldc:], ldc)
				return
			}
			bOff := start // columns of op(B) are columns of B
			if bTrans {
				bOff = start * ldb // columns of op(B) are rows of B
			}
			gemmSerial(aTrans, bTrans, m, size, k, alpha, a, lda, b[bOff:], ldb, beta, c[start:], ldc)
		}()
	}
	wg.Wait()
}

// gemmSerial is gemm on the calling goroutine: the three blocking loops of the
// packed algorithm around macroKernel.
func gemmSerial(aTrans, bTrans bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	scale(m, n, beta, c, ldc)
	ws := getWorkspace(m, n, k)
	defer workspaces.Put(ws)
	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			packB(bTrans, b, ldb, pc, jc, kc, nc, ws.b)
			for ic := 0; ic < m; ic += mcBlock {
				mc := min(mcBlock, m-ic)
				packA(aTrans, a, lda, ic, pc, mc, kc, ws.a)
				macroKernel(mc, nc, kc, alpha, ws.a, ws.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// scale sets C = beta·C for the m×n C, writing zeros without reading C when
// beta = 0, as BLAS requires.
func scale(m, n int, beta float64, c []float64, ldc int) {
	switch beta {
	case 1:
	case 0:
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	default:
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// macroKernel adds alpha times the product of a packed mc×kc block of A and
// a packed kc×nc panel of B to the mc×nc C. Tiles that overhang C are
// computed into a scratch tile and only their valid part is added, so that
// the padding of the packed buffers never reaches C.
func macroKernel(mc, nc, kc int, alpha float64, ap, bp, c []float64, ldc int) {
	var tile [mr * nr]float64
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		bs := bp[jr*kc : (jr+nr)*kc]
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			as := ap[ir*kc : (ir+mr)*kc]
			if rows == mr && cols == nr {
				kernel(kc, as, bs, c[ir*ldc+jr:], ldc, alpha)
				continue
			}
			tile = [mr * nr]float64{}
			kernel(kc, as, bs, tile[:], nr, 1)
			for r := 0; r < rows; r++ {
				crow := c[(ir+r)*ldc+jr : (ir+r)*ldc+jr+cols]
				for j := range crow {
					crow[j] += alpha * tile[r*nr+j]
				}
			}
		}
	}
}

// packA copies the mc×kc block of op(A) starting at row ic, column pc into
// ap as ⌈mc/mr⌉ slivers, each holding column p of its mr rows at
// ap[sliver·mr·kc + p·mr : … + mr]; rows past mc are zero. The source is
// read along its contiguous direction so that each cache line is loaded once.
func packA(aTrans bool, a []float64, lda, ic, pc, mc, kc int, ap []float64) {
	full := mc / mr * mr // rows in whole slivers
	if aTrans {
		// op(A)[i, p] = a[p·lda + i]: column p of op(A) is contiguous.
		for p := 0; p < kc; p++ {
			col := a[(pc+p)*lda+ic : (pc+p)*lda+ic+mc]
			for ir := 0; ir < full; ir += mr {
				s := col[ir : ir+mr : ir+mr]
				d := ap[ir*kc+p*mr : ir*kc+p*mr+mr : ir*kc+p*mr+mr]
				d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
			}
			if full < mc {
				d := ap[full*kc+p*mr : full*kc+p*mr+mr]
				copy(d, col[full:])
				clear(d[mc-full:])
			}
		}
		return
	}
	// op(A)[i, p] = a[i·lda + p]: row i of op(A) is contiguous.
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		dst := ap[ir*kc : (ir+mr)*kc]
		for r := 0; r < rows; r++ {
			src := a[(ic+ir+r)*lda+pc : (ic+ir+r)*lda+pc+kc]
			for p, v := range src {
				dst[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := 0; p < kc; p++ {
				dst[p*mr+r] = 0
			}
		}
	}
}

// packB copies the kc×nc panel of op(B) starting at row pc, column jc into
// bp as ⌈nc/nr⌉ slivers, each holding row p of its nr columns at
// bp[sliver·nr·kc + p·nr : … + nr]; columns past nc are zero. The source is
// read along its contiguous direction.
func packB(bTrans bool, b []float64, ldb, pc, jc, kc, nc int, bp []float64) {
	full := nc / nr * nr // columns in whole slivers
	if !bTrans {
		// op(B)[p, j] = b[p·ldb + j]: row p of op(B) is contiguous.
		for p := 0; p < kc; p++ {
			row := b[(pc+p)*ldb+jc : (pc+p)*ldb+jc+nc]
			for jr := 0; jr < full; jr += nr {
				// Eight assignments, not copy: a memmove call per sliver
				// row costs more than the move itself.
				s := row[jr : jr+nr : jr+nr]
				d := bp[jr*kc+p*nr : jr*kc+p*nr+nr : jr*kc+p*nr+nr]
				d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
			}
			if full < nc {
				d := bp[full*kc+p*nr : full*kc+p*nr+nr]
				copy(d, row[full:])
				clear(d[nc-full:])
			}
		}
		return
	}
	// op(B)[p, j] = b[j·ldb + p]: column j of op(B) is contiguous.
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		dst := bp[jr*kc : (jr+nr)*kc]
		for j := 0; j < cols; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
			for p, v := range src {
				dst[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kc; p++ {
				dst[p*nr+j] = 0
			}
		}
	}
}
