package lapackfix

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// Dorgqr overwrites the m×n a, which holds k reflectors as Dgeqrf leaves
// them, with the first n columns of Q = H₀·H₁·…·H_{k−1}, as gonum's Dorgqr
// (same arguments and workspace query), by LAPACK's blocked algorithm
// (dorgqr) when k > 128 and lwork ≥ n·nb: the columns after the last full
// block by Dorg2r, then each block of nb reflectors, from the last, applied
// to the columns on its right as one block reflector (Dlarft, Dlarfb) and
// expanded in place by Dorg2r. Otherwise it is Dorg2r alone.
func (impl Implementation) Dorgqr(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	if lwork == -1 || n == 0 || k <= nx || lwork < n*nb {
		if lwork != -1 && n > 0 && k > nx {
			impl.Implementation.Dorgqr(m, n, k, a, lda, tau, work, -1) // checks only
			checkBlocked(max(1, n), work, len(a) < (m-1)*lda+n, len(tau) != k)
			impl.Dorg2r(m, n, k, a, lda, tau, work)
			work[0] = float64(n * nb)
			return
		}
		impl.Implementation.Dorgqr(m, n, k, a, lda, tau, work, lwork)
		return
	}
	impl.Implementation.Dorgqr(m, n, k, a, lda, tau, work, -1)
	checkBlocked(lwork, work, len(a) < (m-1)*lda+n, len(tau) != k)
	// Blocks start at ki, ki − nb, …, 0; columns kk… are done unblocked.
	ki := (k - nx - 1) / nb * nb
	kk := min(k, ki+nb)
	for i := 0; i < kk; i++ {
		clear(a[i*lda+kk : i*lda+n])
	}
	if kk < n {
		impl.Dorg2r(m-kk, n-kk, k-kk, a[kk*lda+kk:], lda, tau[kk:k], work)
	}
	ldw := nb
	for i := ki; i >= 0; i -= nb {
		ib := min(nb, k-i)
		if i+ib < n {
			impl.Dlarft(lapack.Forward, lapack.ColumnWise, m-i, ib, a[i*lda+i:], lda, tau[i:], work, ldw)
			impl.Dlarfb(blas.Left, blas.NoTrans, lapack.Forward, lapack.ColumnWise, m-i, n-i-ib, ib,
				a[i*lda+i:], lda, work, ldw, a[i*lda+i+ib:], lda, work[ib*ldw:], ldw)
		}
		impl.Dorg2r(m-i, ib, ib, a[i*lda+i:], lda, tau[i:i+ib], work)
		for l := 0; l < i; l++ {
			clear(a[l*lda+i : l*lda+i+ib])
		}
	}
	work[0] = float64(n * nb)
}

// Dorglq overwrites the m×n a, which holds k reflectors as Dgelqf leaves
// them, with the first m rows of Q = H_{k−1}·…·H₁·H₀, as gonum's Dorglq, by
// LAPACK's blocked algorithm (dorglq) when k > 128 and lwork ≥ m·nb, as
// Dorgqr with rows for columns; otherwise Dorgl2 alone.
func (impl Implementation) Dorglq(m, n, k int, a []float64, lda int, tau, work []float64, lwork int) {
	if lwork == -1 || m == 0 || k <= nx || lwork < m*nb {
		if lwork != -1 && m > 0 && k > nx {
			impl.Implementation.Dorglq(m, n, k, a, lda, tau, work, -1)
			checkBlocked(max(1, m), work, len(a) < (m-1)*lda+n, len(tau) < k)
			impl.Dorgl2(m, n, k, a, lda, tau, work)
			work[0] = float64(m * nb)
			return
		}
		impl.Implementation.Dorglq(m, n, k, a, lda, tau, work, lwork)
		return
	}
	impl.Implementation.Dorglq(m, n, k, a, lda, tau, work, -1)
	checkBlocked(lwork, work, len(a) < (m-1)*lda+n, len(tau) < k)
	ki := (k - nx - 1) / nb * nb
	kk := min(k, ki+nb)
	for i := kk; i < m; i++ {
		clear(a[i*lda : i*lda+kk])
	}
	if kk < m {
		impl.Dorgl2(m-kk, n-kk, k-kk, a[kk*lda+kk:], lda, tau[kk:k], work)
	}
	ldw := nb
	for i := ki; i >= 0; i -= nb {
		ib := min(nb, k-i)
		if i+ib < m {
			impl.Dlarft(lapack.Forward, lapack.RowWise, n-i, ib, a[i*lda+i:], lda, tau[i:], work, ldw)
			impl.Dlarfb(blas.Right, blas.Trans, lapack.Forward, lapack.RowWise, m-i-ib, n-i, ib,
				a[i*lda+i:], lda, work, ldw, a[(i+ib)*lda+i:], lda, work[ib*ldw:], ldw)
		}
		impl.Dorgl2(ib, n-i, ib, a[i*lda+i:], lda, tau[i:i+ib], work)
		for l := i; l < i+ib; l++ {
			clear(a[l*lda : l*lda+i])
		}
	}
	work[0] = float64(m * nb)
}
