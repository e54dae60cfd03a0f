package lapackfix

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// Dgeqrf computes the QR factorization A = Q·R of the m×n A, as gonum's
// Dgeqrf (same arguments, workspace query and result layout: R on and above
// the diagonal, the reflectors of Q below it and in tau), by LAPACK's
// blocked algorithm: panels of nb columns factored by Dgeqr2, each applied
// to the columns on its right as one block reflector (Dlarft, Dlarfb), when
// min(m, n) > 128 and lwork ≥ n·nb; otherwise by Dgeqr2 alone.
func (impl Implementation) Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	k := min(m, n)
	if lwork == -1 || k <= nx || lwork < n*nb {
		// A query, or gonum's unblocked path, which is correct.
		if lwork != -1 && k > nx {
			impl.Implementation.Dgeqrf(m, n, a, lda, tau, work, -1) // checks only
			impl.Dgeqr2(m, n, a, lda, tau, work)
			work[0] = float64(n * nb)
			return
		}
		impl.Implementation.Dgeqrf(m, n, a, lda, tau, work, lwork)
		if lwork == -1 && k > nx {
			// This code's own need, which gonum's query gives only while
			// nb is gonum's block size.
			work[0] = max(work[0], float64(n*nb))
		}
		return
	}
	impl.Implementation.Dgeqrf(m, n, a, lda, tau, work, -1) // checks only
	checkBlocked(lwork, work, len(a) < (m-1)*lda+n, len(tau) != k)
	ldw := nb
	i := 0
	for ; i < k-nx; i += nb {
		ib := min(k-i, nb)
		impl.Dgeqr2(m-i, ib, a[i*lda+i:], lda, tau[i:i+ib], work)
		if i+ib < n {
			// T in work[:ib·nb], Dlarfb's workspace after it.
			impl.Dlarft(lapack.Forward, lapack.ColumnWise, m-i, ib, a[i*lda+i:], lda, tau[i:], work, ldw)
			impl.Dlarfb(blas.Left, blas.Trans, lapack.Forward, lapack.ColumnWise, m-i, n-i-ib, ib,
				a[i*lda+i:], lda, work, ldw, a[i*lda+i+ib:], lda, work[ib*ldw:], ldw)
		}
	}
	impl.Dgeqr2(m-i, n-i, a[i*lda+i:], lda, tau[i:], work)
	work[0] = float64(n * nb)
}

// Dgelqf computes the LQ factorization A = L·Q of the m×n A, as gonum's
// Dgelqf (L on and below the diagonal, the reflectors of Q to its right and
// in tau), by LAPACK's blocked algorithm: panels of nb rows factored by
// Dgelq2, each applied to the rows below it as one block reflector, when
// min(m, n) > 128 and lwork ≥ m·nb; otherwise by Dgelq2 alone.
func (impl Implementation) Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	k := min(m, n)
	if lwork == -1 || k <= nx || lwork < m*nb {
		if lwork != -1 && k > nx {
			impl.Implementation.Dgelqf(m, n, a, lda, tau, work, -1)
			impl.Dgelq2(m, n, a, lda, tau, work)
			work[0] = float64(m * nb)
			return
		}
		impl.Implementation.Dgelqf(m, n, a, lda, tau, work, lwork)
		if lwork == -1 && k > nx {
			work[0] = max(work[0], float64(m*nb)) // as in Dgeqrf
		}
		return
	}
	impl.Implementation.Dgelqf(m, n, a, lda, tau, work, -1)
	checkBlocked(lwork, work, len(a) < (m-1)*lda+n, len(tau) < k)
	ldw := nb
	i := 0
	for ; i < k-nx; i += nb {
		ib := min(k-i, nb)
		impl.Dgelq2(ib, n-i, a[i*lda+i:], lda, tau[i:], work)
		if i+ib < m {
			impl.Dlarft(lapack.Forward, lapack.RowWise, n-i, ib, a[i*lda+i:], lda, tau[i:], work, ldw)
			impl.Dlarfb(blas.Right, blas.NoTrans, lapack.Forward, lapack.RowWise, m-i-ib, n-i, ib,
				a[i*lda+i:], lda, work, ldw, a[(i+ib)*lda+i:], lda, work[ib*ldw:], ldw)
		}
	}
	impl.Dgelq2(m-i, n-i, a[i*lda+i:], lda, tau[i:], work)
	work[0] = float64(m * nb)
}

// checkBlocked panics, with gonum's messages, on the argument errors that
// gonum's routines check only after a workspace query: a work shorter than
// lwork, a short a, a tau of the wrong length.
func checkBlocked(lwork int, work []float64, shortA, badTau bool) {
	switch {
	case len(work) < lwork:
		panic("lapack: insufficient length of work")
	case shortA:
		panic("lapack: insufficient length of a")
	case badTau:
		panic("lapack: insufficient length of tau")
	}
}
