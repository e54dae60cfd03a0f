// Package problem generates the seeded test and benchmark problems shared by
// props and bench: Gaussian designs, Haar-random orthogonal matrices, and
// designs with a planted spectrum and a planted minimum-norm solution.
//
// Every generator takes an explicit *rand.Rand; New makes one from a seed so
// that a problem is reproduced from the seed alone.
package problem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// New returns the deterministic generator for seed.
func New(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// Gaussian returns an n×p matrix of independent N(0, 1) entries.
func Gaussian(rng *rand.Rand, n, p int) *mat.Dense {
	d := make([]float64, n*p)
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	return mat.NewDense(n, p, d)
}

// Haar returns an n×k matrix with orthonormal columns, distributed as the
// first k columns of a Haar-random n×n orthogonal matrix: the Q factor of an
// n×k Gaussian matrix with the signs fixed so that R has a positive diagonal
// (Mezzadri 2007, "How to generate random matrices from the classical compact
// groups"). It requires 1 ≤ k ≤ n.
func Haar(rng *rand.Rand, n, k int) *mat.Dense {
	if k < 1 || k > n {
		panic(fmt.Sprintf("problem: Haar(%d, %d) needs 1 ≤ k ≤ n", n, k))
	}
	// Thin Householder QR: Geqrf, then Orgqr forms only the k columns of Q
	// (mat.QR.QTo would form the whole n×n Q, which dominates large draws).
	a := Gaussian(rng, n, k).RawMatrix()
	tau := make([]float64, k)
	work := make([]float64, 1)
	lapack64.Geqrf(a, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(a, tau, work, len(work))
	sign := make([]float64, k)
	for j := range sign {
		sign[j] = 1
		if a.Data[j*a.Stride+j] < 0 {
			sign[j] = -1
		}
	}
	lapack64.Orgqr(a, tau, work, -1)
	if int(work[0]) > len(work) {
		work = make([]float64, int(work[0]))
	}
	lapack64.Orgqr(a, tau, work, len(work))
	out := mat.NewDense(n, k, a.Data)
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			out.Set(i, j, sign[j]*out.At(i, j))
		}
	}
	return out
}

// GeometricSpectrum returns k singular values spaced geometrically from 1
// down to 1/kappa (σ₁ = 1, σ_k = 1/κ); k = 1 gives [1].
func GeometricSpectrum(k int, kappa float64) []float64 {
	s := make([]float64, k)
	for i := range s {
		if k == 1 {
			s[i] = 1
			continue
		}
		s[i] = math.Pow(kappa, -float64(i)/float64(k-1))
	}
	return s
}

// Planted is a least-squares problem built from its SVD, so that its
// minimum-norm solution is known by construction.
type Planted struct {
	X     *mat.Dense    // n×p, X = U·diag(Sigma)·Vᵀ
	Y     *mat.VecDense // y = X·W + R
	W     *mat.VecDense // the planted min-norm solution, in the row space of X
	R     *mat.VecDense // the planted residual, orthogonal to the range of X
	Sigma []float64     // the non-zero singular values, largest first
	U, V  *mat.Dense    // n×k and p×k with orthonormal columns
}

// Rank returns the rank k of the planted X.
func (pl *Planted) Rank() int { return len(pl.Sigma) }

// Cond returns κ₂ of the planted X, σ_max/σ_min over its non-zero singular values.
func (pl *Planted) Cond() float64 { return pl.Sigma[0] / pl.Sigma[len(pl.Sigma)-1] }

// GoString prints the shape, rank and κ, not pointers.
func (pl *Planted) GoString() string {
	n, p := pl.X.Dims()
	return fmt.Sprintf("Planted{n=%d, p=%d, rank=%d, κ=%.3g, ‖r‖=%.3g}", n, p, pl.Rank(), pl.Cond(), mat.Norm(pl.R, 2))
}

// NewPlanted returns an n×p problem X = U·diag(sigma)·Vᵀ with Haar-random U
// and V, rank k = len(sigma) ≤ min(n, p), and sigma sorted largest first. The
// planted solution W = V·c has independent N(0, 1) coordinates c; the
// residual R = resid·(unit vector orthogonal to the range of U), so
// y = X·W + R is inconsistent when resid > 0 and k < n.
//
// In exact arithmetic X⁺y = W. In floating point the stored X differs from
// U·diag(σ)·Vᵀ by about u‖X‖, so W is X⁺y only to within about κ·u (κ²·u
// relative to ‖R‖ for an inconsistent problem): use it as a reference for
// solvers whose own error is larger, or refine it.
func NewPlanted(rng *rand.Rand, n, p int, sigma []float64, resid float64) *Planted {
	k := len(sigma)
	if k < 1 || k > min(n, p) {
		panic(fmt.Sprintf("problem: rank %d outside [1, min(%d, %d)]", k, n, p))
	}
	// One Haar draw of n×(k+1) columns gives U and a unit vector orthogonal
	// to it for the residual when k < n.
	kk := k
	if k < n {
		kk = k + 1
	}
	Ufull := Haar(rng, n, kk)
	U := mat.DenseCopyOf(Ufull.Slice(0, n, 0, k))
	V := Haar(rng, p, k)
	US := mat.NewDense(n, k, nil)
	US.Apply(func(i, j int, v float64) float64 { return v * sigma[j] }, U)
	X := mat.NewDense(n, p, nil)
	X.Mul(US, V.T())
	c := mat.NewVecDense(k, nil)
	for i := 0; i < k; i++ {
		c.SetVec(i, rng.NormFloat64())
	}
	W := mat.NewVecDense(p, nil)
	W.MulVec(V, c)
	R := mat.NewVecDense(n, nil)
	if k < n && resid != 0 {
		R.ScaleVec(resid, Ufull.ColView(k))
	}
	Y := mat.NewVecDense(n, nil)
	Y.MulVec(X, W)
	Y.AddVec(Y, R)
	return &Planted{X: X, Y: Y, W: W, R: R, Sigma: append([]float64(nil), sigma...), U: U, V: V}
}
