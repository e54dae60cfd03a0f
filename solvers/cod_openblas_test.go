//go:build openblas

package solvers

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/minnorm/lstsq/internal/problem"
)

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

// TestCODGeqrfColMajor checks LAPACK's dgeqrf, called column-major on a
// row-major W (cod_openblas.go), as the LQ factorization W = L·Q in Gelqf's
// layout: the rows of [L 0] times Q = H_{k−1}·…·H_0 (H_j = I − τ_j·v_j·v_jᵀ,
// applied by plain loops, H_{k−1} first) must give W back to O(N^1.5·u)
// relative to its largest entry, on odd shapes with a padded stride whose
// padding stays untouched.
func TestCODGeqrfColMajor(t *testing.T) {
	if codLQRowMajor == nil {
		t.Fatal("the openblas build did not install codLQRowMajor")
	}
	rng := problem.New(31)
	for _, sh := range [][2]int{{1, 1}, {1, 7}, {5, 5}, {7, 40}, {33, 70}, {90, 91}} {
		k, n := sh[0], sh[1]
		src := problem.Gaussian(rng, k, n+3).RawMatrix() // stride n+3: 3 padding entries a row
		W := blas64.General{Rows: k, Cols: n, Stride: src.Stride, Data: append([]float64(nil), src.Data...)}
		tau := make([]float64, k)
		codGeqrfColMajor(W, tau)
		norm := 0.0
		for i := 0; i < k; i++ {
			for j := 0; j < n; j++ {
				norm = math.Max(norm, math.Abs(src.Data[i*src.Stride+j]))
			}
			for j := n; j < src.Stride; j++ {
				if W.Data[i*W.Stride+j] != src.Data[i*src.Stride+j] {
					t.Fatalf("%d×%d: padding W[%d][%d] written", k, n, i, j)
				}
			}
		}
		for i := 0; i < k; i++ {
			row := make([]float64, n)
			copy(row, W.Data[i*W.Stride:i*W.Stride+i+1]) // row i of [L 0]
			// row·Q = row·H_{k−1}·…·H_0 (each H_j symmetric): H_{k−1} first.
			for j := k - 1; j >= 0; j-- {
				s := row[j]
				for l := j + 1; l < n; l++ {
					s += W.Data[j*W.Stride+l] * row[l]
				}
				s *= tau[j]
				row[j] -= s
				for l := j + 1; l < n; l++ {
					row[l] -= s * W.Data[j*W.Stride+l]
				}
			}
			for j := 0; j < n; j++ {
				if d := math.Abs(row[j] - src.Data[i*src.Stride+j]); d > 30*float64(n)*0x1p-53*norm*math.Sqrt(float64(n)) {
					t.Fatalf("%d×%d: (L·Q)[%d][%d] = %v, W = %v", k, n, i, j, row[j], src.Data[i*src.Stride+j])
				}
			}
		}
	}
}
