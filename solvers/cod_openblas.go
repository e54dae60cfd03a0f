//go:build openblas

package solvers

/*
#include <lapacke.h>
*/
import "C"

import "gonum.org/v1/gonum/blas/blas64"

func init() { codGeqp3ColMajor, codLQRowMajor = codGeqp3, codGeqrfColMajor }

// codGeqp3 computes step 1 of COD, M·P = Q·R, by LAPACK's xGEQP3 called
// column-major on mt, the q×m row-major storage of Mᵀ, which is byte for
// byte the m×q matrix M in column-major order with leading dimension
// mt.Stride (see svd_openblas.go). LAPACK leaves R in M's upper trapezoid and
// the Householder vectors below its diagonal: in mt, Rᵀ in the lower
// trapezoid and v_j after the diagonal of row j, which is pivotedQR's
// layout, so nothing is copied or transposed (netlib's row-major binding,
// lapack64.Geqp3, had LAPACKE copy M into a column-major buffer and back,
// and cod then transposed the result). jpvt gets LAPACK's pivots, made
// 0-based: column j of M·P is column jpvt[j] of M. Every column is free to
// pivot. LAPACKE_dgeqp3_work uses only the workspace it is given, allocated
// here per call, so concurrent calls are safe.
func codGeqp3(mt blas64.General, jpvt []int, tau []float64) {
	m, q := mt.Cols, mt.Rows
	jp := make([]C.lapack_int, q) // 0: free column
	var query C.double
	svdInfo("DGEQP3", C.LAPACKE_dgeqp3_work(C.LAPACK_COL_MAJOR, C.lapack_int(m), C.lapack_int(q),
		svdPtr(mt.Data), C.lapack_int(mt.Stride), &jp[0], svdPtr(tau), &query, -1))
	work := make([]float64, max(1, int(query)))
	svdInfo("DGEQP3", C.LAPACKE_dgeqp3_work(C.LAPACK_COL_MAJOR, C.lapack_int(m), C.lapack_int(q),
		svdPtr(mt.Data), C.lapack_int(mt.Stride), &jp[0], svdPtr(tau), svdPtr(work), C.lapack_int(len(work))))
	for j := range jpvt {
		jpvt[j] = int(jp[j]) - 1
	}
}

// codGeqrfColMajor computes the LQ factorization W = L·Q of the k×N
// row-major W (k ≤ N) by LAPACK's dgeqrf called column-major on it, where it
// is the N×k matrix Wᵀ = Qᵀ·Lᵀ: R = Lᵀ in Wᵀ's upper triangle is L in W's
// lower one, and the reflectors below R's diagonal are W's after the
// diagonal, Gelqf's layout, with the same τ. Nothing is copied (netlib's
// row-major lapack64.Gelqf had LAPACKE copy W into a column-major buffer and
// run dgelqf, whose panels walk the non-contiguous direction). Concurrent
// calls are safe: the workspace is allocated here per call.
func codGeqrfColMajor(W blas64.General, tau []float64) {
	k, n := W.Rows, W.Cols
	var query C.double
	svdInfo("DGEQRF", C.LAPACKE_dgeqrf_work(C.LAPACK_COL_MAJOR, C.lapack_int(n), C.lapack_int(k),
		svdPtr(W.Data), C.lapack_int(W.Stride), svdPtr(tau), &query, -1))
	work := make([]float64, max(1, int(query)))
	svdInfo("DGEQRF", C.LAPACKE_dgeqrf_work(C.LAPACK_COL_MAJOR, C.lapack_int(n), C.lapack_int(k),
		svdPtr(W.Data), C.lapack_int(W.Stride), svdPtr(tau), svdPtr(work), C.lapack_int(len(work))))
}
