package lapackfix

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// Dormqr overwrites the m×n C with Q·C, Qᵀ·C, C·Q or C·Qᵀ (side, trans),
// for the Q = H₀·H₁·…·H_{k−1} whose k reflectors Dgeqrf left in a and tau,
// as gonum's Dormqr (same arguments and workspace query). With more than nb
// reflectors and lwork at least the query's answer it applies them in
// blocks of nb (LAPACK's dormqr: Dlarft, then Dlarfb), otherwise one at a
// time (Dorm2r).
func (impl Implementation) Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	left := side == blas.Left
	nw, nq := m, n
	if left {
		nw, nq = n, m
	}
	if lwork == -1 || m == 0 || n == 0 || k <= nb || lwork < nw*nb+tSize {
		if lwork != -1 && k > nb && m > 0 && n > 0 {
			impl.Implementation.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, -1) // checks only
			opt := work[0]
			impl.Dorm2r(side, trans, m, n, k, a, lda, tau, c, ldc, work)
			work[0] = opt
			return
		}
		impl.Implementation.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
		return
	}
	impl.Implementation.Dormqr(side, trans, m, n, k, a, lda, tau, c, ldc, work, -1)
	opt := work[0]
	checkApply(lwork, work, len(a) < (nq-1)*lda+k, len(tau) != k, len(c) < (m-1)*ldc+n)
	t, wrk := work[:tSize], work[tSize:]
	// Qᵀ·C and C·Q apply H₀ first, Q·C and C·Qᵀ apply it last.
	forward := left == (trans == blas.Trans)
	apply := func(i int) {
		ib := min(nb, k-i)
		impl.Dlarft(lapack.Forward, lapack.ColumnWise, nq-i, ib, a[i*lda+i:], lda, tau[i:], t, nbMax)
		if left {
			impl.Dlarfb(side, trans, lapack.Forward, lapack.ColumnWise, m-i, n, ib, a[i*lda+i:], lda, t, nbMax, c[i*ldc:], ldc, wrk, nb)
		} else {
			impl.Dlarfb(side, trans, lapack.Forward, lapack.ColumnWise, m, n-i, ib, a[i*lda+i:], lda, t, nbMax, c[i:], ldc, wrk, nb)
		}
	}
	blocks(k, forward, apply)
	work[0] = opt
}

// Dormlq overwrites the m×n C with Q·C, Qᵀ·C, C·Q or C·Qᵀ (side, trans),
// for the Q = H_{k−1}·…·H₁·H₀ whose k reflectors Dgelqf left in the rows of
// a and in tau, as gonum's Dormlq; blocked as Dormqr (LAPACK's dormlq).
func (impl Implementation) Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	left := side == blas.Left
	nw, nq := m, n
	if left {
		nw, nq = n, m
	}
	if lwork == -1 || m == 0 || n == 0 || k <= nb || lwork < nw*nb+tSize {
		if lwork != -1 && k > nb && m > 0 && n > 0 {
			impl.Implementation.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, -1)
			opt := work[0]
			impl.Dorml2(side, trans, m, n, k, a, lda, tau, c, ldc, work)
			work[0] = opt
			return
		}
		impl.Implementation.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, lwork)
		return
	}
	impl.Implementation.Dormlq(side, trans, m, n, k, a, lda, tau, c, ldc, work, -1)
	opt := work[0]
	checkApply(lwork, work, len(a) < (k-1)*lda+nq, len(tau) < k, len(c) < (m-1)*ldc+n)
	t, wrk := work[:tSize], work[tSize:]
	// Q = H_{k−1}·…·H₀ as a block reflector is applied through its
	// transpose H₀·…·H_{k−1} = I − Vᵀ·T·V: Q·C applies H₀ first.
	transT := blas.Trans
	if trans == blas.Trans {
		transT = blas.NoTrans
	}
	forward := left == (trans == blas.NoTrans)
	apply := func(i int) {
		ib := min(nb, k-i)
		impl.Dlarft(lapack.Forward, lapack.RowWise, nq-i, ib, a[i*lda+i:], lda, tau[i:], t, nbMax)
		if left {
			impl.Dlarfb(side, transT, lapack.Forward, lapack.RowWise, m-i, n, ib, a[i*lda+i:], lda, t, nbMax, c[i*ldc:], ldc, wrk, nb)
		} else {
			impl.Dlarfb(side, transT, lapack.Forward, lapack.RowWise, m, n-i, ib, a[i*lda+i:], lda, t, nbMax, c[i:], ldc, wrk, nb)
		}
	}
	blocks(k, forward, apply)
	work[0] = opt
}

// blocks calls apply(i) for the first reflector i of each block of nb out
// of k, in increasing order when forward, else decreasing.
func blocks(k int, forward bool, apply func(i int)) {
	if forward {
		for i := 0; i < k; i += nb {
			apply(i)
		}
		return
	}
	for i := (k - 1) / nb * nb; i >= 0; i -= nb {
		apply(i)
	}
}

// checkApply is checkBlocked for the multiplications, which also check C.
func checkApply(lwork int, work []float64, shortA, badTau, shortC bool) {
	checkBlocked(lwork, work, shortA, badTau)
	if shortC {
		panic("lapack: insufficient length of c")
	}
}

// Dormbr overwrites the m×n C with Q·C, Qᵀ·C, C·Q, C·Qᵀ (vect ==
// lapack.ApplyQ) or P·C, Pᵀ·C, C·P, C·Pᵀ (ApplyP), for the Q and P that
// Dgebrd left in a, tauQ and tauP, as gonum's Dormbr; it calls this
// package's Dormqr and Dormlq (LAPACK's dormbr). Its workspace query
// answers what they need for the blocked code, which is more than gonum's
// Dormbr asks for.
func (impl Implementation) Dormbr(vect lapack.ApplyOrtho, side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	nq, nw := n, m
	if side == blas.Left {
		nq, nw = m, n
	}
	applyQ := vect == lapack.ApplyQ
	if lwork == -1 {
		impl.Implementation.Dormbr(vect, side, trans, m, n, k, a, lda, tau, c, ldc, work, -1)
		if m > 0 && n > 0 {
			work[0] = max(work[0], float64(max(1, nw)*nb+tSize))
		}
		return
	}
	// gonum's checks, then the quick return on an empty C.
	impl.Implementation.Dormbr(vect, side, trans, m, n, k, a, lda, tau, c, ldc, work, -1)
	opt := work[0]
	if m == 0 || n == 0 {
		return
	}
	if len(work) < lwork {
		panic("lapack: insufficient length of work")
	}
	// Dgebrd's reflectors start on the diagonal when its matrix had at
	// least as many rows (Q) or more columns (P) than k, and one below or to
	// the right of it otherwise; then they act on C without its first row
	// (side Left) or column (Right).
	mi, ni, off := m, n, 0
	if side == blas.Left {
		mi--
		off = ldc
	} else {
		ni--
		off = 1
	}
	if applyQ {
		if nq >= k {
			impl.Dormqr(side, trans, m, n, k, a, lda, tau[:k], c, ldc, work, lwork)
		} else if nq > 1 {
			impl.Dormqr(side, trans, mi, ni, nq-1, a[lda:], lda, tau[:nq-1], c[off:], ldc, work, lwork)
		}
	} else {
		transT := blas.Trans
		if trans == blas.Trans {
			transT = blas.NoTrans
		}
		if nq > k {
			impl.Dormlq(side, transT, m, n, k, a, lda, tau[:k], c, ldc, work, lwork)
		} else if nq > 1 {
			impl.Dormlq(side, transT, mi, ni, nq-1, a[1:], lda, tau[:nq-1], c[off:], ldc, work, lwork)
		}
	}
	work[0] = max(opt, float64(max(1, nw)*nb+tSize))
}
