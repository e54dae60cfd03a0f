// Package fastlapack is the LAPACK the solvers run on in the pure-Go build:
// internal/lapackfix's (gonum's LAPACK with correct blocked Householder
// routines) with the Cholesky factorization Dpotrf replaced by a recursive
// one that spends its time in large Dtrsm and Dsyrk calls, where the
// project's parallel level-3 BLAS (internal/fastblas) is fast.
package fastlapack

import (
	"gonum.org/v1/gonum/lapack"

	"github.com/minnorm/lstsq/internal/lapackfix"
)

// Implementation is lapackfix.Implementation with Dpotrf replaced (see
// potrf.go). The zero value is ready to use and safe for concurrent use.
type Implementation struct {
	lapackfix.Implementation
}

var _ lapack.Float64 = Implementation{}
