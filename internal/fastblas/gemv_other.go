//go:build purego || !amd64

package fastblas

func gemvNAsm(m, n int, alpha float64, a []float64, lda int, x, y []float64, ky, incY int) {
	panic("fastblas: no assembly kernel in this build")
}

func gemvTAsm(m, n int, alpha float64, a []float64, lda int, x []float64, kx, incX int, y []float64) {
	panic("fastblas: no assembly kernel in this build")
}
