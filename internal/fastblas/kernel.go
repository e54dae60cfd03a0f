package fastblas

// The micro-kernel computes one mr×nr tile of C from a packed mr×kc sliver
// of A and a packed kc×nr sliver of B:
//
//	C[r, j] += alpha · Σ_{p<kc} Ap[mr·p + r] · Bp[nr·p + j],   r < mr, j < nr,
//
// where C[r, j] is c[r·ldc + j]. The sum is accumulated in registers over the
// whole of kc and C is read and written once, which is what makes the packed
// algorithm fast: 2·mr·nr flops per mr+nr loaded values.
const (
	mr = 6 // rows of a micro-tile; the A sliver holds mr values per p
	nr = 8 // columns of a micro-tile; the B sliver holds nr values per p
)

var (
	// hasAsmKernel reports whether kernel6x8AVX2 can run on this CPU; it is
	// set once in init and never changed.
	hasAsmKernel bool
	// useAsmKernel selects the assembly kernel. Tests switch it off to
	// exercise the pure-Go kernel; it is never written outside init and
	// tests, so concurrent readers are safe.
	useAsmKernel bool
)

// kernel runs the micro-kernel, in assembly when available and enabled.
func kernel(kc int, a, b, c []float64, ldc int, alpha float64) {
	if kc == 0 {
		return
	}
	if useAsmKernel {
		kernelAsm(kc, a, b, c, ldc, alpha)
		return
	}
	kernel6x8Go(kc, a, b, c, ldc, alpha)
}

// kernel6x8Go is the portable micro-kernel. amd64 has sixteen floating-point
// registers, too few for the 48 accumulators of a whole tile, so the tile is
// swept as six 2×4 blocks, each with eight accumulators that stay in
// registers; the packed slivers are small enough to stay in L1 between sweeps.
func kernel6x8Go(kc int, a, b, c []float64, ldc int, alpha float64) {
	a = a[:mr*kc]
	b = b[:nr*kc]
	for r := 0; r < mr; r += 2 {
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float64
			ai, bi := r, j
			for p := 0; p < kc; p++ {
				a0, a1 := a[ai], a[ai+1]
				bp := b[bi : bi+4 : bi+4]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
				ai += mr
				bi += nr
			}
			c0 := c[r*ldc+j : r*ldc+j+4 : r*ldc+j+4]
			c0[0] += alpha * c00
			c0[1] += alpha * c01
			c0[2] += alpha * c02
			c0[3] += alpha * c03
			c1 := c[(r+1)*ldc+j : (r+1)*ldc+j+4 : (r+1)*ldc+j+4]
			c1[0] += alpha * c10
			c1[1] += alpha * c11
			c1[2] += alpha * c12
			c1[3] += alpha * c13
		}
	}
}
