package fastblas

// Panic messages of gonum.org/v1/gonum/blas/gonum, so that invalid arguments
// fail here exactly as they do there.
const (
	msgMLT0     = "blas: m < 0"
	msgNLT0     = "blas: n < 0"
	msgKLT0     = "blas: k < 0"
	msgBadUplo  = "blas: illegal triangle"
	msgBadTrans = "blas: illegal transpose"
	msgBadDiag  = "blas: illegal diagonal"
	msgBadSide  = "blas: illegal side"
	msgBadLdA   = "blas: bad leading dimension of A"
	msgBadLdB   = "blas: bad leading dimension of B"
	msgBadLdC   = "blas: bad leading dimension of C"
	msgShortA   = "blas: insufficient length of a"
	msgShortB   = "blas: insufficient length of b"
	msgShortC   = "blas: insufficient length of c"
)
