package lapackfix

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
)

// Dlarft forms the k×k triangular factor T of a block reflector
// H = H₀·H₁·…·H_{k−1} (direction Forward) from the reflectors
// H_i = I − τ_i·v_i·v_iᵀ stored in v, so that
//
//	H = I − V·T·Vᵀ    (store == ColumnWise, V n×k, v_i its column i)
//	H = I − Vᵀ·T·V    (store == RowWise, V k×n, v_i its row i),
//
// with v_i[i] = 1 implied and v_i[j] = 0 for j < i (entries on and above,
// respectively left of, the diagonal of v are not read). T is upper
// triangular: T[i,i] = τ_i and, for j < i,
//
//	T[0:i, i] = −τ_i · T[0:i, 0:i] · (V[:, 0:i]ᵀ · v_i),
//
// the recurrence of Schreiber and Van Loan ("A storage-efficient WY
// representation for products of Householder transformations", SIAM J.
// Sci. Stat. Comput. 10, 1989). A reflector with τ_i = 0 is the identity
// and gets a zero column. The products V[:, 0:i]ᵀ·v_i stop at v_i's last
// non-zero entry (the rest contributes nothing); unlike gonum's, they do
// not also stop at the earlier reflectors' last non-zero entry (see the
// package documentation).
//
// The Backward direction is gonum's, unchanged.
func (impl Implementation) Dlarft(direct lapack.Direct, store lapack.StoreV, n, k int, v []float64, ldv int, tau []float64, t []float64, ldt int) {
	if direct != lapack.Forward || n == 0 {
		impl.Implementation.Dlarft(direct, store, n, k, v, ldv, tau, t, ldt)
		return
	}
	// gonum's checks of every argument, with its panic messages: with
	// n = 0 it returns after them.
	impl.Implementation.Dlarft(direct, store, 0, k, v, ldv, tau, t, ldt)
	mv, nv := n, k
	if store == lapack.RowWise {
		mv, nv = k, n
	}
	if len(v) < (mv-1)*ldv+nv {
		panic("lapack: insufficient length of v")
	}
	if len(t) < (k-1)*ldt+k {
		panic("lapack: insufficient length of t")
	}
	bi := blas64.Implementation()
	for i := 0; i < k; i++ {
		if tau[i] == 0 {
			for j := 0; j <= i; j++ {
				t[j*ldt+i] = 0
			}
			continue
		}
		// last is the index of v_i's last non-zero entry (i at least).
		last := n - 1
		if store == lapack.ColumnWise {
			for last > i && v[last*ldv+i] == 0 {
				last--
			}
			// T[j,i] = −τ_i·(v_j[i]·1 + Σ_{r=i+1..last} v_j[r]·v_i[r]).
			for j := 0; j < i; j++ {
				t[j*ldt+i] = -tau[i] * v[i*ldv+j]
			}
			if last > i {
				bi.Dgemv(blas.Trans, last-i, i, -tau[i], v[(i+1)*ldv:], ldv, v[(i+1)*ldv+i:], ldv, 1, t[i:], ldt)
			}
		} else {
			for last > i && v[i*ldv+last] == 0 {
				last--
			}
			for j := 0; j < i; j++ {
				t[j*ldt+i] = -tau[i] * v[j*ldv+i]
			}
			if last > i {
				bi.Dgemv(blas.NoTrans, i, last-i, -tau[i], v[i+1:], ldv, v[i*ldv+i+1:], 1, 1, t[i:], ldt)
			}
		}
		// T[0:i, i] = T[0:i, 0:i]·T[0:i, i].
		bi.Dtrmv(blas.Upper, blas.NoTrans, blas.NonUnit, i, t, ldt, t[i:], ldt)
		t[i*ldt+i] = tau[i]
	}
}
