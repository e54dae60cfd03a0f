//go:build purego || !amd64

package fastblas

func kernelAsm(kc int, a, b, c []float64, ldc int, alpha float64) {
	panic("fastblas: no assembly kernel in this build")
}
