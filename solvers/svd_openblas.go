//go:build openblas

package solvers

// The SVD path's LAPACK calls in the openblas build, made on the transposed
// view of each row-major matrix so that nothing is ever transposed.
//
// gonum's LAPACK convention is row-major. netlib's binding honours it by
// calling LAPACKE with LAPACK_ROW_MAJOR, and LAPACKE then copies every matrix
// argument into a column-major buffer and back, on each call: for "svd" on an
// n×p X, two to six copies of an n×p or k×k matrix per solve
// (BenchmarkSVDColMajor measures the difference). But a row-major m×n matrix
// with stride ld is, byte for byte, the column-major n×m matrix Aᵀ with
// leading dimension ld, and every factorization the path uses has a
// transposed twin:
//
//   - QR of A (reflectors H_i in A's columns, Q = H_1⋯H_k) is LQ of Aᵀ
//     (reflectors in Aᵀ's rows, Q = H_k⋯H_1, the same H_i): the first
//     eliminates A[i+1:, i] from the left, the second the same entries of Aᵀ
//     from the right, with the same Householder vector. So Dgeqrf is xGELQF
//     on Aᵀ, Dgelqf is xGEQRF on Aᵀ, and the Q they store is transposed.
//   - Bidiagonalization of A, A = Q·B·Pᵀ, is that of Aᵀ = P·Bᵀ·Qᵀ: xGEBRD
//     on Aᵀ computes the same reflectors with the roles of Q and P exchanged
//     (its τ_Q is our τ_P), and the same d and e, which are those of Bᵀ.
//     One exception: xGEBRD makes every square matrix upper bidiagonal, so
//     for a square A it makes Aᵀ's B upper, and A = P·Bᵀ·Qᵀ gets the lower
//     bidiagonal Bᵀ, a different (equally valid) reduction from gonum's. The
//     flag svdSquareLower tells svd.go, which then makes it upper by k − 1
//     Givens rotations applied to QᵀY (makeUpper), as it already does for
//     1 < p/n < 1.6; xORMBR's conventions for a square factor (Q with k,
//     P with k − 1 reflectors, or the reverse) then match on both sides.
//   - Applying an orthogonal matrix to the row-major m×n C from one side is
//     applying its transpose to the column-major Cᵀ from the other:
//     op(Q)·C = (Cᵀ·op(Q)ᵀ)ᵀ. For Dormqr and Dormlq the Q of the twin is
//     already transposed, so only the side changes; for Dormbr, Q and P
//     exchange and both side and transposition change.
//
// Nothing else changes: the rank rule, the refusals and the Report are
// svd.go's. The forward errors keep the pure-Go build's distribution (on 40
// planted problems per shape, 100×50 to 200×200, κ = 10⁴ and 10¹⁰, the
// medians of ‖w − w*‖/(κ·u·‖w*‖) differ from the pure-Go route's by at most
// 11%, in both directions).
//
// The LAPACKE_x_work entry points with LAPACK_COL_MAJOR pass their arguments
// straight to LAPACK (no copies, no allocation) and use only the workspace
// they are given, so the calls are reentrant: svd.go allocates all
// workspace per call.
//
// xBDSQR with vectors is not mapped: with both Vᵀ and C to update, the
// transposed problem would need two right-multiplications, which xBDSQR does
// not offer. gonum's Dbdsqr runs it, as before (only for a numerically
// rank-deficient X). Without vectors, xBDSQR is called directly.

/*
#include <lapacke.h>
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// svdColMajor implements svdLapacker (svd.go) with the calls on gonum's
// row-major matrices made as column-major LAPACK calls on their transposes,
// as explained at the top of this file. Its results match gonum's native
// implementation to rounding, the same reflectors stored in the same places,
// except for Dgebrd on a square matrix, which it reduces to lower bidiagonal
// form (svdSquareLower).
type svdColMajor struct{}

// svdInfo panics if a LAPACK routine rejected its arguments (INFO < 0), which
// only a bug in this package can cause: svd.go checks every dimension first.
func svdInfo(routine string, info C.lapack_int) {
	if info != 0 {
		panic(fmt.Sprintf("solvers: LAPACK %s returned INFO = %d", routine, int(info)))
	}
}

// svdPtr returns the address of the first element of s, or nil for an empty
// slice (LAPACK then never reads it: its dimension is 0).
func svdPtr(s []float64) *C.double {
	if len(s) == 0 {
		return nil
	}
	return (*C.double)(&s[0])
}

// svdOtherSide returns the LAPACK character for the side opposite s.
func svdOtherSide(s blas.Side) C.char {
	if s == blas.Left {
		return 'R'
	}
	return 'L'
}

// svdTrans returns the LAPACK character for t, or for its opposite if flip.
func svdTrans(t blas.Transpose, flip bool) C.char {
	if (t == blas.NoTrans) != flip {
		return 'N'
	}
	return 'T'
}

// Dgeqrf computes A = Q·R for the row-major m×n A as xGELQF on Aᵀ. (A
// transposed copy factored by xGEQRF, whose panels run down LAPACK's columns,
// was measured no faster, with the copy counted, at m×n = 2000×1000.)
func (svdColMajor) Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	svdInfo("DGELQF", C.LAPACKE_dgelqf_work(C.LAPACK_COL_MAJOR, C.lapack_int(n), C.lapack_int(m),
		svdPtr(a), C.lapack_int(lda), svdPtr(tau), svdPtr(work), C.lapack_int(lwork)))
}

// Dgelqf computes A = L·Q for the row-major m×n A as xGEQRF on Aᵀ.
func (svdColMajor) Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int) {
	svdInfo("DGEQRF", C.LAPACKE_dgeqrf_work(C.LAPACK_COL_MAJOR, C.lapack_int(n), C.lapack_int(m),
		svdPtr(a), C.lapack_int(lda), svdPtr(tau), svdPtr(work), C.lapack_int(lwork)))
}

// Dgebrd reduces the row-major m×n A to bidiagonal form as xGEBRD on Aᵀ,
// whose τ_Q and τ_P are A's τ_P and τ_Q.
func (svdColMajor) Dgebrd(m, n int, a []float64, lda int, d, e, tauQ, tauP, work []float64, lwork int) {
	svdInfo("DGEBRD", C.LAPACKE_dgebrd_work(C.LAPACK_COL_MAJOR, C.lapack_int(n), C.lapack_int(m),
		svdPtr(a), C.lapack_int(lda), svdPtr(d), svdPtr(e), svdPtr(tauP), svdPtr(tauQ), svdPtr(work), C.lapack_int(lwork)))
}

// Dormqr applies the Q of Dgeqrf to the row-major m×n C: xORMLQ on Cᵀ from
// the other side, with the same transposition (the twin's Q is Qᵀ).
func (svdColMajor) Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	svdInfo("DORMLQ", C.LAPACKE_dormlq_work(C.LAPACK_COL_MAJOR, svdOtherSide(side), svdTrans(trans, false),
		C.lapack_int(n), C.lapack_int(m), C.lapack_int(k), svdPtr(a), C.lapack_int(lda), svdPtr(tau),
		svdPtr(c), C.lapack_int(ldc), svdPtr(work), C.lapack_int(lwork)))
}

// Dormlq applies the Q of Dgelqf to the row-major m×n C: xORMQR on Cᵀ from
// the other side, with the same transposition.
func (svdColMajor) Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	svdInfo("DORMQR", C.LAPACKE_dormqr_work(C.LAPACK_COL_MAJOR, svdOtherSide(side), svdTrans(trans, false),
		C.lapack_int(n), C.lapack_int(m), C.lapack_int(k), svdPtr(a), C.lapack_int(lda), svdPtr(tau),
		svdPtr(c), C.lapack_int(ldc), svdPtr(work), C.lapack_int(lwork)))
}

// Dormbr applies the Q or P of Dgebrd to the row-major m×n C: xORMBR with P
// or Q (they exchange on Aᵀ) on Cᵀ, from the other side, transposed.
func (svdColMajor) Dormbr(vect lapack.ApplyOrtho, side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int) {
	v := C.char('P')
	if vect == lapack.ApplyP {
		v = 'Q'
	}
	svdInfo("DORMBR", C.LAPACKE_dormbr_work(C.LAPACK_COL_MAJOR, v, svdOtherSide(side), svdTrans(trans, true),
		C.lapack_int(n), C.lapack_int(m), C.lapack_int(k), svdPtr(a), C.lapack_int(lda), svdPtr(tau),
		svdPtr(c), C.lapack_int(ldc), svdPtr(work), C.lapack_int(lwork)))
}

// Dbdsqr computes the singular values of the n×n bidiagonal B with LAPACK's
// xBDSQR when no vectors are wanted (then it runs dqds, xLASQ1, whose result
// does not depend on uplo: B and Bᵀ have the same singular values), and with
// gonum's Dbdsqr otherwise (see the top of this file). It reports whether the
// iteration converged (INFO = 0).
func (svdColMajor) Dbdsqr(uplo blas.Uplo, n, ncvt, nru, ncc int, d, e, vt []float64, ldvt int, u []float64, ldu int, c []float64, ldc int, work []float64) bool {
	if ncvt != 0 || nru != 0 || ncc != 0 {
		return lapackgonum.Implementation{}.Dbdsqr(uplo, n, ncvt, nru, ncc, d, e, vt, ldvt, u, ldu, c, ldc, work)
	}
	if len(d) < n || len(e) < n-1 || len(work) < 4*n {
		panic("solvers: Dbdsqr: short d, e or work")
	}
	info := C.LAPACKE_dbdsqr_work(C.LAPACK_COL_MAJOR, C.char(uplo), C.lapack_int(n), 0, 0, 0,
		svdPtr(d), svdPtr(e), nil, 1, nil, 1, nil, 1, svdPtr(work))
	if info < 0 {
		svdInfo("DBDSQR", info)
	}
	return info == 0
}
