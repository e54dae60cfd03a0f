//go:build !purego

package fastblas

// cpuHasAVX2FMA reports whether the CPU and the operating system support the
// AVX2 and FMA3 instructions used by kernel6x8AVX2.
//
//go:noescape
func cpuHasAVX2FMA() bool

// kernel6x8AVX2 is kernel6x8Go in AVX2/FMA assembly; see there for the
// contract. The caller guarantees kc ≥ 0, 6·kc values at a, 8·kc values at b
// and a full 6×8 tile at c with row stride ldc.
//
//go:noescape
func kernel6x8AVX2(kc int, a, b, c *float64, ldc int, alpha float64)

func init() {
	hasAsmKernel = cpuHasAVX2FMA()
	useAsmKernel = hasAsmKernel
}

func kernelAsm(kc int, a, b, c []float64, ldc int, alpha float64) {
	// The slice bounds are checked here, once per tile, so that the
	// assembly never reads or writes outside them.
	_ = a[mr*kc-1]
	_ = b[nr*kc-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernel6x8AVX2(kc, &a[0], &b[0], &c[0], ldc, alpha)
}
