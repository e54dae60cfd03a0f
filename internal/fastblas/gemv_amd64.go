//go:build !purego

package fastblas

// gemvNAVX2 computes gemvNKernel's product (see there) in AVX2/FMA assembly,
// with y given by a pointer to its entry 0. The caller guarantees m ≥ 1,
// n ≥ 1 and that every entry read or written lies inside its slice.
//
//go:noescape
func gemvNAVX2(m, n int, alpha float64, a *float64, lda int, x, y *float64, incY int)

// gemvTAVX2 computes gemvTKernel's product in AVX2/FMA assembly, with x
// given by a pointer to its entry 0; the caller guarantees the same as for
// gemvNAVX2.
//
//go:noescape
func gemvTAVX2(m, n int, alpha float64, a *float64, lda int, x *float64, incX int, y *float64)

func gemvNAsm(m, n int, alpha float64, a []float64, lda int, x, y []float64, ky, incY int) {
	// The bounds are checked here, once per call, so that the assembly
	// never reads or writes outside the slices.
	_ = a[(m-1)*lda+n-1]
	_ = x[n-1]
	_ = y[ky+(m-1)*incY]
	gemvNAVX2(m, n, alpha, &a[0], lda, &x[0], &y[ky], incY)
}

func gemvTAsm(m, n int, alpha float64, a []float64, lda int, x []float64, kx, incX int, y []float64) {
	_ = a[(m-1)*lda+n-1]
	_ = x[kx+(m-1)*incX]
	_ = y[n-1]
	gemvTAVX2(m, n, alpha, &a[0], lda, &x[kx], incX, &y[0])
}
