package problem

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestPlanted checks the construction against its definition: orthonormal
// U and V, the singular values of X (by gonum's SVD, an independent code
// path), XᵀR = 0 and X·W = y − R.
func TestPlanted(t *testing.T) {
	const seed = 1
	rng := New(seed)
	for _, sh := range [][3]int{{7, 5, 5}, {5, 7, 5}, {6, 6, 3}, {9, 4, 2}} {
		n, p, k := sh[0], sh[1], sh[2]
		pl := NewPlanted(rng, n, p, GeometricSpectrum(k, 1e3), 0.5)
		var utu mat.Dense
		utu.Mul(pl.U.T(), pl.U)
		if !mat.EqualApprox(&utu, eye(k), 1e-13) {
			t.Errorf("seed %d %#v: UᵀU ≠ I", seed, pl)
		}
		var svd mat.SVD
		svd.Factorize(pl.X, mat.SVDNone)
		s := svd.Values(nil)
		for i := 0; i < k; i++ {
			if math.Abs(s[i]-pl.Sigma[i]) > 1e-13 {
				t.Errorf("seed %d %#v: σ_%d = %v, planted %v", seed, pl, i, s[i], pl.Sigma[i])
			}
		}
		var xtr mat.VecDense
		xtr.MulVec(pl.X.T(), pl.R)
		if mat.Norm(&xtr, 2) > 1e-13 {
			t.Errorf("seed %d %#v: ‖XᵀR‖ = %v", seed, pl, mat.Norm(&xtr, 2))
		}
		if k < n && math.Abs(mat.Norm(pl.R, 2)-0.5) > 1e-14 {
			t.Errorf("seed %d %#v: ‖R‖ = %v, want 0.5", seed, pl, mat.Norm(pl.R, 2))
		}
	}
}

func eye(k int) *mat.Dense {
	d := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		d.Set(i, i, 1)
	}
	return d
}
