package fastblas

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
)

// trsmBase is the order of the triangular matrix at or below which Dtrsm
// and Dtrmm stop splitting it and call gonum's routine directly.
const trsmBase = 64

// Dtrsm solves one of the matrix equations
//
//	op(A)·X = alpha·B   if s == blas.Left  (A is m×m)
//	X·op(A) = alpha·B   if s == blas.Right (A is n×n)
//
// for the m×n X, which overwrites B, where A is triangular (triangle ul, unit
// diagonal if d == blas.Unit, in which case the diagonal of A is not read).
// It panics on the same invalid arguments, with the same messages, as
// gonum.Implementation.Dtrsm. B is not read when alpha = 0.
//
// A of order above 64 is split in two, T = [T11 T12; T21 T22] with one of
// the off-diagonal blocks zero: one half of X is solved for, its
// contribution to the other half of B is removed with the packed Dgemm
// kernel, and the other half is solved for. Triangles of order ≤ 64 are
// solved by gonum's Dtrsm, with the independent columns (left side) or rows
// (right side) of B split among the processors.
func (impl Implementation) Dtrsm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if checkTriangular(s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	if alpha == 0 {
		scale(m, n, 0, b, ldb)
		return
	}
	t := newTriangular(impl, s, ul, tA, d, lda, ldb, true)
	if s == blas.Left {
		t.solveLeft(m, n, alpha, a, b)
		return
	}
	t.solveRight(m, n, alpha, a, b)
}

// Dtrmm performs one of the matrix-matrix operations
//
//	B = alpha·op(A)·B   if s == blas.Left  (A is m×m)
//	B = alpha·B·op(A)   if s == blas.Right (A is n×n)
//
// where B is m×n and A is triangular (triangle ul, unit diagonal if
// d == blas.Unit, in which case the diagonal of A is not read). It panics on
// the same invalid arguments, with the same messages, as
// gonum.Implementation.Dtrmm. B is not read when alpha = 0.
//
// As in Dtrsm, A of order above 64 is split in two and the product with
// the off-diagonal block is done by the packed Dgemm kernel; triangles of
// order ≤ 64 go to gonum's Dtrmm with B split among the processors.
func (impl Implementation) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	if checkTriangular(s, ul, tA, d, m, n, a, lda, b, ldb) {
		return
	}
	if alpha == 0 {
		scale(m, n, 0, b, ldb)
		return
	}
	t := newTriangular(impl, s, ul, tA, d, lda, ldb, false)
	if s == blas.Left {
		t.multiplyLeft(m, n, alpha, a, b)
		return
	}
	t.multiplyRight(m, n, alpha, a, b)
}

// triangular carries the fixed arguments of one Dtrsm or Dtrmm call
// through the recursion.
type triangular struct {
	impl     Implementation
	side     blas.Side
	ul       blas.Uplo
	tA       blas.Transpose
	diag     blas.Diag
	trans    bool // op(A) = Aᵀ
	lower    bool // op(A) is lower triangular
	lda, ldb int
	solve    bool // Dtrsm, not Dtrmm
}

func newTriangular(impl Implementation, s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, lda, ldb int, solve bool) *triangular {
	t := &triangular{impl: impl, side: s, ul: ul, tA: tA, diag: d, trans: tA != blas.NoTrans, lda: lda, ldb: ldb, solve: solve}
	// op(A) is lower triangular when A is lower and not transposed, or upper
	// and transposed.
	t.lower = (ul == blas.Lower) != t.trans
	return t
}

// checkTriangular panics, with gonum's messages, on arguments that gonum's
// Dtrsm and Dtrmm reject (they check the same things), and reports whether
// B is empty.
func checkTriangular(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, a []float64, lda int, b []float64, ldb int) (empty bool) {
	if s != blas.Left && s != blas.Right {
		panic(msgBadSide)
	}
	if ul != blas.Lower && ul != blas.Upper {
		panic(msgBadUplo)
	}
	if tA != blas.NoTrans && tA != blas.Trans && tA != blas.ConjTrans {
		panic(msgBadTrans)
	}
	if d != blas.NonUnit && d != blas.Unit {
		panic(msgBadDiag)
	}
	if m < 0 {
		panic(msgMLT0)
	}
	if n < 0 {
		panic(msgNLT0)
	}
	k := n
	if s == blas.Left {
		k = m
	}
	if lda < max(1, k) {
		panic(msgBadLdA)
	}
	if ldb < max(1, n) {
		panic(msgBadLdB)
	}
	if m == 0 || n == 0 {
		return true
	}
	if len(a) < lda*(k-1)+k {
		panic(msgShortA)
	}
	if len(b) < ldb*(m-1)+n {
		panic(msgShortB)
	}
	return false
}

// offDiagonal returns the block of op(A) below the diagonal (lower, rows k1…
// and columns …k1) or above it (upper, rows …k1 and columns k1…) for a split
// at k1, and whether it is stored transposed in a.
func (t *triangular) offDiagonal(k1 int, a []float64) (blk []float64, trans bool) {
	// Below the diagonal of op(A) is A[k1:, :k1] when op(A) = A, and
	// (A[:k1, k1:])ᵀ when op(A) = Aᵀ; above it, the other way round.
	if t.lower != t.trans {
		return a[k1*t.lda:], t.trans
	}
	return a[k1:], t.trans
}

// solveLeft solves op(A)·X = alpha·B for the m×n X; A is m×m.
func (t *triangular) solveLeft(m, n int, alpha float64, a, b []float64) {
	if m <= trsmBase {
		t.direct(m, n, alpha, a, b)
		return
	}
	m1 := (m/2 + mr - 1) / mr * mr
	m2 := m - m1
	a22 := a[m1*t.lda+m1:]
	b2 := b[m1*t.ldb:]
	blk, blkTrans := t.offDiagonal(m1, a)
	if t.lower {
		// L11·X1 = alpha·B1, then L22·X2 = alpha·B2 − L21·X1.
		t.solveLeft(m1, n, alpha, a, b)
		gemm(blkTrans, false, m2, n, m1, -1, blk, t.lda, b, t.ldb, alpha, b2, t.ldb)
		t.solveLeft(m2, n, 1, a22, b2)
		return
	}
	// U22·X2 = alpha·B2, then U11·X1 = alpha·B1 − U12·X2.
	t.solveLeft(m2, n, alpha, a22, b2)
	gemm(blkTrans, false, m1, n, m2, -1, blk, t.lda, b2, t.ldb, alpha, b, t.ldb)
	t.solveLeft(m1, n, 1, a, b)
}

// solveRight solves X·op(A) = alpha·B for the m×n X; A is n×n.
func (t *triangular) solveRight(m, n int, alpha float64, a, b []float64) {
	if n <= trsmBase {
		t.direct(m, n, alpha, a, b)
		return
	}
	n1 := (n/2 + nr - 1) / nr * nr
	n2 := n - n1
	a22 := a[n1*t.lda+n1:]
	b2 := b[n1:]
	blk, blkTrans := t.offDiagonal(n1, a)
	if t.lower {
		// X2·L22 = alpha·B2, then X1·L11 = alpha·B1 − X2·L21.
		t.solveRight(m, n2, alpha, a22, b2)
		gemm(false, blkTrans, m, n1, n2, -1, b2, t.ldb, blk, t.lda, alpha, b, t.ldb)
		t.solveRight(m, n1, 1, a, b)
		return
	}
	// X1·U11 = alpha·B1, then X2·U22 = alpha·B2 − X1·U12.
	t.solveRight(m, n1, alpha, a, b)
	gemm(false, blkTrans, m, n2, n1, -1, b, t.ldb, blk, t.lda, alpha, b2, t.ldb)
	t.solveRight(m, n2, 1, a22, b2)
}

// multiplyLeft sets B = alpha·op(A)·B for the m×n B; A is m×m. Each half
// of B is overwritten only after its old value has been used for the other.
func (t *triangular) multiplyLeft(m, n int, alpha float64, a, b []float64) {
	if m <= trsmBase {
		t.direct(m, n, alpha, a, b)
		return
	}
	m1 := (m/2 + mr - 1) / mr * mr
	m2 := m - m1
	a22 := a[m1*t.lda+m1:]
	b2 := b[m1*t.ldb:]
	blk, blkTrans := t.offDiagonal(m1, a)
	if t.lower {
		// B2 = alpha·(L21·B1 + L22·B2), then B1 = alpha·L11·B1.
		t.multiplyLeft(m2, n, alpha, a22, b2)
		gemm(blkTrans, false, m2, n, m1, alpha, blk, t.lda, b, t.ldb, 1, b2, t.ldb)
		t.multiplyLeft(m1, n, alpha, a, b)
		return
	}
	// B1 = alpha·(U11·B1 + U12·B2), then B2 = alpha·U22·B2.
	t.multiplyLeft(m1, n, alpha, a, b)
	gemm(blkTrans, false, m1, n, m2, alpha, blk, t.lda, b2, t.ldb, 1, b, t.ldb)
	t.multiplyLeft(m2, n, alpha, a22, b2)
}

// multiplyRight sets B = alpha·B·op(A) for the m×n B; A is n×n.
func (t *triangular) multiplyRight(m, n int, alpha float64, a, b []float64) {
	if n <= trsmBase {
		t.direct(m, n, alpha, a, b)
		return
	}
	n1 := (n/2 + nr - 1) / nr * nr
	n2 := n - n1
	a22 := a[n1*t.lda+n1:]
	b2 := b[n1:]
	blk, blkTrans := t.offDiagonal(n1, a)
	if t.lower {
		// B1 = alpha·(B1·L11 + B2·L21), then B2 = alpha·B2·L22.
		t.multiplyRight(m, n1, alpha, a, b)
		gemm(false, blkTrans, m, n1, n2, alpha, b2, t.ldb, blk, t.lda, 1, b, t.ldb)
		t.multiplyRight(m, n2, alpha, a22, b2)
		return
	}
	// B2 = alpha·(B1·U12 + B2·U22), then B1 = alpha·B1·U11.
	t.multiplyRight(m, n2, alpha, a22, b2)
	gemm(false, blkTrans, m, n2, n1, alpha, b, t.ldb, blk, t.lda, 1, b2, t.ldb)
	t.multiplyRight(m, n1, alpha, a, b)
}

// direct solves (or multiplies) with gonum's Dtrsm (or Dtrmm), splitting the independent columns (left
// side) or rows (right side) of the m×n B among the processors when the
// solve is big enough to pay for it.
func (t *triangular) direct(m, n int, alpha float64, a, b []float64) {
	order, length, unit := m, n, nr // left: columns of B are independent
	if t.side == blas.Right {
		order, length, unit = n, m, mr // right: rows of B are independent
	}
	if !t.solve && t.side == blas.Right && order >= denseTrmmMinOrder && length >= denseTrmmMinLength {
		t.multiplyDense(m, n, alpha, a, b)
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if float64(order)*float64(order)*float64(length) < minParallelFlops {
		workers = 1
	}
	workers = min(workers, (length+unit-1)/unit)
	if workers <= 1 {
		t.gonum(m, n, alpha, a, b)
		return
	}
	strip := ((length+workers-1)/workers + unit - 1) / unit * unit
	var wg sync.WaitGroup
	for start := 0; start < length; start += strip {
		size := min(strip, length-start)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if t.side == blas.Left {
				t.gonum(m, size, alpha, a, b[start:])
				return
			}
			t.gonum(size, n, alpha, a, b[start*t.ldb:])
		}()
	}
	wg.Wait()
}

// gonum runs gonum's Dtrsm or Dtrmm on the m×n B.
func (t *triangular) gonum(m, n int, alpha float64, a, b []float64) {
	if t.solve {
		t.impl.Implementation.Dtrsm(t.side, t.ul, t.tA, t.diag, m, n, alpha, a, t.lda, b, t.ldb)
		return
	}
	t.impl.Implementation.Dtrmm(t.side, t.ul, t.tA, t.diag, m, n, alpha, a, t.lda, b, t.ldb)
}

// Dtrmm takes multiplyDense for a triangle on the right of order at least
// denseTrmmMinOrder (and at most trsmBase) when B has at least
// denseTrmmMinLength rows. There gonum's Dtrmm runs inner loops no longer
// than the order of the triangle; B·op(A) with a 16, 32 or 64 triangle and
// 2000 rows took it 0.47, 0.93 and 2.0 ms, the dense product 0.10, 0.24 and
// 0.61 ms (Dlarfb's products in Gelqf: 80 → 48 ms at 1000×1000). On the
// left, where gonum's loops run along B's long rows, the dense product was
// no faster (0.10 against 0.07 ms for a 16×16 triangle and 2000 columns),
// so the left side keeps gonum's.
const (
	denseTrmmMinOrder  = 8
	denseTrmmMinLength = 128
)

// multiplyDense computes B = alpha·B·op(A) (right side only) for a small
// triangle A as one Dgemm on the packed kernel, with
// op(A) written out densely (zeros outside its triangle, ones on a unit
// diagonal) and B copied first. Unlike gonum's Dtrmm it multiplies B's
// entries by the explicit zeros too, so an infinite entry of B gives NaN
// where Dtrmm would skip the product; the results are otherwise the same
// products summed in another order.
func (t *triangular) multiplyDense(m, n int, alpha float64, a, b []float64) {
	k := n
	tb := getVector(k * k)
	defer vectors.Put(tb)
	T := (*tb)[:k*k]
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			var v float64
			switch {
			case i == j && t.diag == blas.Unit:
				v = 1
			case (j <= i) == t.lower || i == j:
				// op(A)[i][j] = A[i][j], or A[j][i] when transposed.
				if t.trans {
					v = a[j*t.lda+i]
				} else {
					v = a[i*t.lda+j]
				}
			}
			T[i*k+j] = v
		}
	}
	cb := getVector(m * n)
	defer vectors.Put(cb)
	C := (*cb)[:m*n]
	for i := 0; i < m; i++ {
		copy(C[i*n:(i+1)*n], b[i*t.ldb:i*t.ldb+n])
	}
	gemm(false, false, m, n, n, alpha, C, n, T, k, 0, b, t.ldb)
}
