//go:build openblas

package solvers

import "testing"

// TestCODGeqp3ColMajor checks LAPACK's dgeqp3, called column-major on
// pivotedQR's layout (cod_openblas.go), by the same definition as
// TestCODPivotedQR: Q·R = M·P, a non-increasing |diag R|, Q orthogonal,
// jpvt a permutation, nothing written in the padding.
func TestCODGeqp3ColMajor(t *testing.T) {
	if codGeqp3ColMajor == nil {
		t.Fatal("the openblas build did not install codGeqp3ColMajor")
	}
	checkPivotedQR(t, "dgeqp3", codGeqp3)
}
