package fastblas

import "gonum.org/v1/gonum/blas"

// syrkBase is the order at or below which a diagonal block of Dsyrk is
// computed whole, as a product into scratch space, instead of split further.
const syrkBase = 64

// Dsyrk performs one of the symmetric rank-k operations
//
//	C = alpha·A·Aᵀ + beta·C   if tA == blas.NoTrans (A is n×k)
//	C = alpha·Aᵀ·A + beta·C   if tA == blas.Trans or blas.ConjTrans (A is k×n)
//
// where C is an n×n symmetric matrix of which only the triangle ul is read
// and written. It panics on the same invalid arguments, with the same
// messages, as gonum.Implementation.Dsyrk. C is not read when beta = 0.
//
// C is split recursively into two diagonal blocks and an off-diagonal block;
// the off-diagonal blocks are products computed by the packed Dgemm kernel,
// and each diagonal block of order ≤ 64 is computed as a full square product
// whose triangle is then added to C.
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
	s := syrker{ul: ul, trans: tA != blas.NoTrans, k: k, alpha: alpha, lda: lda, beta: beta, ldc: ldc}
	s.tile = make([]float64, min(n, syrkBase)*min(n, syrkBase))
	s.syrk(n, a, c)
}

// syrker carries the fixed arguments of one Dsyrk call through the recursion.
type syrker struct {
	ul          blas.Uplo
	trans       bool
	k           int
	alpha, beta float64
	lda, ldc    int
	tile        []float64 // scratch for one diagonal block
}

// syrk updates the n×n diagonal block of C at c, whose rows of op(A) start
// at a (row offsets for NoTrans, column offsets for Trans).
func (s *syrker) syrk(n int, a, c []float64) {
	if n <= syrkBase {
		s.diagonal(n, a, c)
		return
	}
	n1 := (n/2 + nr - 1) / nr * nr
	n2 := n - n1
	var a2 []float64 // rows n1… of op(A)
	if s.trans {
		a2 = a[n1:]
	} else {
		a2 = a[n1*s.lda:]
	}
	s.syrk(n1, a, c)
	s.syrk(n2, a2, c[n1*s.ldc+n1:])
	// op(A)·op(A)ᵀ is gemm(NoTrans, Trans) when op(A) = A (A is n×k) and
	// gemm(Trans, NoTrans) when op(A) = Aᵀ (A is k×n).
	if s.ul == blas.Lower {
		// C21 = alpha·op(A)₂·op(A)₁ᵀ + beta·C21, n2×n1.
		gemm(s.trans, !s.trans, n2, n1, s.k, s.alpha, a2, s.lda, a, s.lda, s.beta, c[n1*s.ldc:], s.ldc)
		return
	}
	// C12 = alpha·op(A)₁·op(A)₂ᵀ + beta·C12, n1×n2.
	gemm(s.trans, !s.trans, n1, n2, s.k, s.alpha, a, s.lda, a2, s.lda, s.beta, c[n1:], s.ldc)
}

// diagonal computes the full n×n product into the scratch tile, then adds
// its triangle to C (C not read when beta = 0).
func (s *syrker) diagonal(n int, a, c []float64) {
	tile := s.tile[:n*n]
	gemm(s.trans, !s.trans, n, n, s.k, s.alpha, a, s.lda, a, s.lda, 0, tile, n)
	for i := 0; i < n; i++ {
		lo, hi := 0, i+1
		if s.ul == blas.Upper {
			lo, hi = i, n
		}
		crow := c[i*s.ldc+lo : i*s.ldc+hi]
		trow := tile[i*n+lo : i*n+hi]
		if s.beta == 0 {
			copy(crow, trow)
			continue
		}
		for j := range crow {
			crow[j] = trow[j] + s.beta*crow[j]
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
