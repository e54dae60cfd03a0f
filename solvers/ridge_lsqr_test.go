package solvers

import (
	"errors"
	"math"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
)

// iterRidgeOracle returns w_λ = V·diag(σ/(σ² + λ))·Uᵀy from the planted SVD,
// a formula independent of every solver (Uᵀy = diag(σ)·VᵀW since UᵀR = 0).
func iterRidgeOracle(pl *problem.Planted, lambda float64) *mat.VecDense {
	k := pl.Rank()
	var c mat.VecDense
	c.MulVec(pl.V.T(), pl.W)
	for i := 0; i < k; i++ {
		s := pl.Sigma[i]
		c.SetVec(i, c.AtVec(i)*s*s/(s*s+lambda))
	}
	_, p := pl.X.Dims()
	w := mat.NewVecDense(p, nil)
	w.MulVec(pl.V, &c)
	return w
}

// iterRidgeBound is the bound of the LSQR doc comment for the augmented
// problem [X; √λ·I], whose condition number on the row space of X is
// κ_λ = √((σ₁² + λ)/(σ_k² + λ)): 10·tol·κ_F,λ·κ_λ (the residual of the
// augmented system is never small for λ > 0, so the least-squares term
// governs), plus the floating-point floor 100·u·κ_λ².
func iterRidgeBound(pl *problem.Planted, lambda, tol float64) float64 {
	k := pl.Rank()
	smin2 := pl.Sigma[k-1]*pl.Sigma[k-1] + lambda
	kl := math.Sqrt((pl.Sigma[0]*pl.Sigma[0] + lambda) / smin2)
	nf := mat.Norm(pl.X, 2)
	klF := math.Sqrt((nf*nf + float64(k)*lambda) / smin2)
	ratio := math.Hypot(mat.Norm(pl.R, 2), 1) // ‖r̄‖/(‖Ā‖‖w‖) ≤ this for ‖w‖ ≳ 1
	return 10*tol*klF*kl*ratio + 100*unitRoundoff*kl*kl
}

// iterCheckRidge solves planted problems with the ridge solver made by mk
// for several λ and checks the answers against iterRidgeOracle. The planted
// σ run from 1 down to 1/κ before scaling; the pipeline scales X by a power
// of two, which the penalty follows exactly, so the oracle applies as is.
func iterCheckRidge(t *testing.T, mk func(lambda float64) Solver, kappa, tol float64) {
	t.Helper()
	seed := uint64(40)
	for _, sh := range iterShapes {
		for _, lambda := range []float64{0, 1e-4, 1e-2, 1} {
			seed++
			pl := iterPlanted(seed, sh, kappa, 0.5)
			s := mk(lambda)
			w, err := s.Solve(pl.X, pl.Y)
			if err != nil {
				t.Errorf("%s λ=%g seed %d %#v: %v", s.Name(), lambda, seed, pl, err)
				continue
			}
			want := iterRidgeOracle(pl, lambda)
			if e, b := iterRelErr(w, want), iterRidgeBound(pl, lambda, tol); !(e <= b) {
				t.Errorf("%s λ=%g seed %d %#v: relative error %.3g > bound %.3g", s.Name(), lambda, seed, pl, e, b)
			}
		}
	}
}

// iterCheckRidgeBadLambda checks that a negative or NaN λ is ErrBadParameter.
func iterCheckRidgeBadLambda(t *testing.T, mk func(lambda float64) Solver) {
	t.Helper()
	pl := iterPlanted(5, iterShape{6, 4, 4}, 10, 0)
	for _, lambda := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := mk(lambda).Solve(pl.X, pl.Y); !errors.Is(err, ErrBadParameter) {
			t.Errorf("λ = %v: err = %v, want ErrBadParameter", lambda, err)
		}
	}
}

func TestRidgeLSQRPlanted(t *testing.T) {
	iterCheckRidge(t, func(l float64) Solver { return NewRidgeLSQR(l) }, 100, defaultIterTol)
}

func TestRidgeLSQRBadLambda(t *testing.T) {
	iterCheckRidgeBadLambda(t, func(l float64) Solver { return NewRidgeLSQR(l) })
}

func TestRidgeLSQRCap(t *testing.T) { iterCheckCap(t, NewRidgeLSQR(1e-6, WithMaxIter(3))) }

func TestRidgeLSQRBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewRidgeLSQR(0.1, o...) }, WithStart(mat.NewVecDense(4, nil)))
}

// TestRidgeLSQRLargeLambda checks that a heavy penalty makes an otherwise
// hopeless problem (κ = 1e12) well conditioned: κ_λ ≤ √(1 + 1/λ) ≈ 1.4.
func TestRidgeLSQRLargeLambda(t *testing.T) {
	pl := iterPlanted(9, iterShape{24, 16, 16}, 1e12, 1)
	const lambda = 1.0
	w, err := NewRidgeLSQR(lambda).Solve(pl.X, pl.Y)
	if err != nil {
		t.Fatalf("%#v: %v", pl, err)
	}
	if e, b := iterRelErr(w, iterRidgeOracle(pl, lambda)), iterRidgeBound(pl, lambda, defaultIterTol); !(e <= b) {
		t.Errorf("%#v: relative error %.3g > bound %.3g", pl, e, b)
	}
}
