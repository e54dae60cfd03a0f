// Package lapackfix is gonum's pure-Go LAPACK with the routines that build
// blocked Householder transformations replaced by correct ones.
//
// gonum v0.17.0's Dlarft (forward direction) keeps, in prevlastv, the last
// row (column-wise storage) or column (row-wise storage) in which any of the
// block's earlier reflectors is non-zero, so that the products of the next
// reflector with the earlier ones can stop there. LAPACK's dlarft sets
// prevlastv to the first reflector's length and takes the maximum with each
// later one ("IF (I.GT.1) THEN PREVLASTV = MAX(PREVLASTV, LASTV) ELSE
// PREVLASTV = LASTV", with a 1-based I); gonum's translation tests i > 1 on
// a 0-based i, so at the second reflector it overwrites prevlastv instead
// and forgets the first one's length. When
// the second reflector of a block ends earlier than the first (its trailing
// entries are exactly zero) and a later one reaches past it, the products
// are cut short and the block's triangular factor T is wrong, with no
// warning. Every blocked routine that forms T inherits this: Dgeqrf and
// Dgelqf (from 128 columns or rows), Dormqr, Dormlq and Dormbr (from 33
// reflectors), Dorgqr and Dorglq. Dense data never has those exact zeros,
// so the routines' own tests pass; sparse matrices (one-hot or categorical
// designs, structured test matrices) and matrices whose reductions leave
// exact zeros do: the solvers "qr", "cod" and "sketch" returned least-squares
// solutions with a backward error of up to 5·10⁻⁵ instead of 10⁻¹⁷ on
// random sparse 0–3 matrices of 200–600 rows and columns, and "cod"'s
// pseudoinverse of a nearly orthogonal 35×36 matrix was wrong by 2 in
// ‖X·X⁺·X − X‖ (props/testdata/rapid/TestMinNormSolvers_cod_penrose).
//
// Implementation embeds gonum's and overrides Dlarft, Dgeqrf, Dgelqf,
// Dormqr, Dormlq, Dormbr, Dorgqr and Dorglq with the same blocked
// algorithms (LAPACK's dgeqrf, dgelqf, dormqr, dormlq, dormbr, dorgqr,
// dorglq) built on a Dlarft written from its definition (larft.go).
// Everything else is gonum's: the unblocked Dgeqr2, Dgelq2, Dorm2r, Dorml2,
// Dorg2r, Dorgl2 and the block application Dlarfb, which are correct, and
// the QL/RQ routines (Dgeqlf, Dgerqf, Dorgql and their kin), which may
// still carry the bug but which nothing here calls. Routines that gonum calls
// internally (for example Dgesvd calling its own Dgeqrf, Dorgbr calling
// Dorgqr) are not reached by the overrides either: they stay gonum's.
//
// Package solvers installs Implementation with lapack64.Use in its pure-Go
// build. The OpenBLAS build uses netlib's LAPACK, which is not affected.
package lapackfix

import (
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"

	"gonum.org/v1/gonum/lapack"
)

// Implementation is gonum's LAPACK with the overrides described in the
// package documentation. The zero value is ready to use; it is safe for
// concurrent use as gonum's is.
type Implementation struct {
	lapackgonum.Implementation
}

var _ lapack.Float64 = Implementation{}

// Block sizes, as gonum's Ilaenv gives them for these routines: nb
// reflectors per block, blocked factorizations only when min(m, n) > nx,
// and the largest block (and leading dimension of T) in the
// multiplications, nbMax. Panels of 48 or 64 rows made Dgelqf and Dgeqrf
// no faster on fastblas (1000² to 2000², 2026-11-27), so nb stays 32.
const (
	nb    = 32
	nx    = 128
	nbMax = 64
	tSize = nbMax * nbMax
)
