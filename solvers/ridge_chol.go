package solvers

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// RidgeChol is the "ridge-chol" solver: ridge regression through the primal
// normal equations. For an n×p X and penalty λ ≥ 0 it solves
//
//	(XᵀX + λI)·w = Xᵀy,  i.e.  w_λ = argmin ‖X·w − y‖₂² + λ‖w‖₂²,
//
// by a Cholesky factorization of the p×p matrix G = XᵀX + λI, formed with the
// symmetric rank-k update (Dsyrk). It costs about n·p² flops to form G and
// p³/3 to factor it, so it is the fast path when n ≫ p; when p ≫ n use
// "ridge-dual".
//
// # Accuracy and refusal
//
// Forming G squares the conditioning: in terms of the singular values of X,
//
//	κ₂(G) = (σ_max² + λ)/(σ_min² + λ),
//
// which is κ₂(X)² at λ = 0, and the computed w carries a relative error of
// about κ(G)·u (u = 2⁻⁵³). Solve returns an error wrapping ErrIllConditioned
// when
//
//	the Cholesky factorization of G fails (G is not numerically positive
//	definite), or
//	κ̂₁(G)·u > √u,  i.e.  κ̂₁(G) > 2^26.5 ≈ 9.5·10⁷,
//
// where κ̂₁(G) is LAPACK's estimate of the 1-norm condition number (Dpocon,
// Hager–Higham; see Normal for how it is computed here), which lies within
// a factor p of κ₂(G) and is usually much closer. The rule answers only when about half the digits or more are
// correct, the same rule as the "normal" solver. λ = 0 is accepted: the
// answer is then X⁺y for an X of full column rank and modest condition; a
// wide X (p > n) at λ = 0 has a singular G and is always refused.
//
// The condition is judged on the scaled X (see the package pipeline), on
// which the penalty is λ/4^e when X was scaled by 2^-e; κ(G) is unchanged by
// that scaling.
//
// The estimate κ̂₁(G) costs a few triangular solves; it is skipped when the
// bound κ₁(G) ≤ √p·‖G‖₁/λ (G's eigenvalues are at least λ) already shows
// that the rule cannot fire, as it does for all but small λ.
//
// RidgeChol accepts no Options. Its Report gives Cond = √κ̂₁(G), the effective
// condition number of the penalised problem (an estimate of κ₂(X) at λ = 0),
// also alongside a refusal when the estimate was made; when the estimate was
// skipped, Cond = √(‖G‖₁/λ) instead, an upper bound on √κ₂(G).
type RidgeChol struct {
	lambda float64
	cfg    config
}

// NewRidgeChol returns the "ridge-chol" solver with penalty λ. An invalid λ
// (negative, NaN or +Inf) makes Solve return an error wrapping ErrBadParameter.
func NewRidgeChol(lambda float64, opts ...Option) *RidgeChol {
	return &RidgeChol{lambda: lambda, cfg: newConfig(0, opts)}
}

// Name returns "ridge-chol".
func (s *RidgeChol) Name() string { return "ridge-chol" }

// Solve returns w_λ = (XᵀX + λI)⁻¹Xᵀy, or an error.
func (s *RidgeChol) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeChol) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

// SolveMany factors G = XᵀX + λI once and returns the p×k matrix W whose
// column j is w_λ for column j of the n×k matrix Y. It refuses as Solve does.
func (s *RidgeChol) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	Ws, err := ridgeManyScaled(s.Name(), &s.cfg, []float64{s.lambda}, X, Y, "Y",
		func(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, error) {
			W, _, err := ridgeByPrimalCholesky(s.Name(), gramX{X.RawMatrix(), 1}, Y, lambdas[0])
			return []*mat.Dense{W}, err
		})
	if err != nil {
		return nil, err
	}
	return Ws[0], nil
}

func (s *RidgeChol) core(t *task) (*mat.VecDense, Report, error) {
	W, rep, err := ridgeByPrimalCholesky(s.Name(), t.gram(), ridgeColumnOf(t.y), t.lambda)
	if err != nil {
		return nil, rep, err
	}
	return mat.VecDenseCopyOf(W.ColView(0)), rep, nil
}

// ridgeByPrimalCholesky solves (XᵀX + λI)·W = XᵀY for the scaled n×p X
// (read-only) and n×k Y.
func ridgeByPrimalCholesky(name string, X gramX, Y *mat.Dense, lambda float64) (*mat.Dense, Report, error) {
	chol, kappa, err := ridgeGramCholesky(name, X, true, lambda)
	rep := Report{Cond: math.Sqrt(kappa)}
	if err != nil {
		return nil, rep, err
	}
	p := X.x.Cols
	_, k := Y.Dims()
	W := mat.NewDense(p, k, nil)
	mulTransTo(W.RawMatrix(), X, Y.RawMatrix())
	lapack64.Potrs(chol, W.RawMatrix())
	return W, rep, nil
}

// ridgeMinRCond is √u, u = 2⁻⁵³: the smallest reciprocal condition estimate
// of a shifted Gram matrix that "ridge-chol" and "ridge-dual" accept, so that
// κ̂·u ≤ √u and about half the digits or more of the answer are correct.
var ridgeMinRCond = math.Sqrt(0x1p-53)

// ridgeGramCholesky forms the shifted Gram matrix of the scaled n×p X,
//
//	G = XᵀX + λI (p×p) when ofColumns, or G = XXᵀ + λI (n×n) otherwise,
//
// factors it as G = UᵀU and returns U with a condition number κ of G. It
// refuses with ErrIllConditioned by the rule documented on RidgeChol; κ is 0
// when the factorization itself failed.
//
// The rule needs the estimate κ̂₁(G) (gramRCond: Dpocon's estimator, a few
// triangular solves) only when a cheap bound cannot settle it. G is m×m
// with eigenvalues at least λ, so ‖G⁻¹‖₂ ≤ 1/λ and
//
//	κ₂(G) ≤ ‖G‖₂/λ ≤ ‖G‖₁/λ,  κ₁(G) = ‖G‖₁·‖G⁻¹‖₁ ≤ ‖G‖₁·√m·‖G⁻¹‖₂ ≤ √m·‖G‖₁/λ
//
// (‖B‖₁ ≤ √m‖B‖₂ for m×m B, and ‖G‖₂ ≤ ‖G‖₁ for symmetric G). The estimate
// never exceeds the true κ₁ (it bounds ‖G⁻¹‖₁ from below), so when
// √m·‖G‖₁/λ ≤ 1/(2√u) the rule cannot fire, with a factor 2 to spare for
// the rounding of the estimate; then the estimate is skipped and
// κ = ‖G‖₁/λ, an upper bound on κ₂(G), is returned. λ is first reduced by
// the worst rounding of the computed XᵀX (each entry within
// γ_k·(|X|ᵀ|X|)_ij, whose 2-norm is at most γ_k·tr(XᵀX), γ_k ≈ k·u), so that
// the bound holds for the matrix actually factored. Otherwise κ = κ̂₁(G).
func ridgeGramCholesky(name string, X gramX, ofColumns bool, lambda float64) (blas64.Triangular, float64, error) {
	x := X.x
	trans, m, k, what := blas.NoTrans, x.Rows, x.Cols, "XXᵀ + λI"
	if ofColumns {
		trans, m, k, what = blas.Trans, x.Cols, x.Rows, "XᵀX + λI"
	}
	g := blas64.Symmetric{Uplo: blas.Upper, N: m, Stride: m, Data: make([]float64, m*m)}
	blas64.Syrk(trans, X.alpha*X.alpha, x, 0, g)
	trace := 0.0
	for i := 0; i < m; i++ {
		trace += g.Data[i*m+i]
		g.Data[i*m+i] += lambda
	}
	anorm := lapack64.Lansy(lapack.MaxColumnSum, g, make([]float64, m))
	chol, ok := lapack64.Potrf(g)
	if !ok {
		return chol, 0, refusal(name, ErrIllConditioned, "the Cholesky factorization of %s (%d×%d) failed: not numerically positive definite", what, m, m)
	}
	// λ less the rounding of XᵀX: γ_k·tr, with γ_k = 2(k+2)u generous
	// for k·u/(1 − k·u), fused multiply-adds and the rounding of the trace.
	if minEig := lambda - 2*float64(k+2)*0x1p-53*trace; minEig > 0 {
		if bound := anorm / minEig; math.Sqrt(float64(m))*bound <= 0.5/ridgeMinRCond {
			return chol, bound, nil
		}
	}
	rcond := gramRCond(chol, anorm)
	if !(rcond >= ridgeMinRCond) {
		return chol, 1 / rcond, refusal(name, ErrIllConditioned,
			"estimated κ₁(%s) = %.3g exceeds 1/√u ≈ %.3g: fewer than half the digits would be correct", what, 1/rcond, 1/ridgeMinRCond)
	}
	return chol, 1 / rcond, nil
}

// mulTransTo sets the p×k W to XᵀY for the scaled n×p X (alpha·x: the
// products take alpha as their scalar) and the n×k Y. For one
// right-hand side it uses matrix-vector products (a packed matrix product
// would copy all of X for one column) over blocks of mulTransBlock rows,
// adding the blocks' partial sums: blocked summation, whose error bound
// grows like (b + n/b)·u instead of n·u (Higham, Accuracy and Stability of
// Numerical Algorithms, 2002, §4.2), as the packed product's kc-deep blocks
// give it.
func mulTransTo(w blas64.General, X gramX, y blas64.General) {
	x := X.x
	if y.Cols != 1 {
		blas64.Gemm(blas.Trans, blas.NoTrans, X.alpha, x, y, 0, w)
		return
	}
	n, p := x.Rows, x.Cols
	wv := blas64.Vector{N: p, Inc: w.Stride, Data: w.Data}
	part := blas64.Vector{N: p, Inc: 1, Data: make([]float64, p)}
	for r := 0; r < n; r += mulTransBlock {
		rows := min(mulTransBlock, n-r)
		xb := blas64.General{Rows: rows, Cols: p, Stride: x.Stride, Data: x.Data[r*x.Stride:]}
		yb := blas64.Vector{N: rows, Inc: y.Stride, Data: y.Data[r*y.Stride:]}
		if r == 0 {
			blas64.Gemv(blas.Trans, X.alpha, xb, yb, 0, wv)
			continue
		}
		blas64.Gemv(blas.Trans, X.alpha, xb, yb, 0, part)
		blas64.Axpy(1, part, wv)
	}
}

// mulTransBlock is the block length of the summation in mulTransTo.
const mulTransBlock = 256

// ridgeColumnOf returns the vector v as an n×1 matrix in fresh storage.
func ridgeColumnOf(v *mat.VecDense) *mat.Dense {
	c := mat.NewDense(v.Len(), 1, nil)
	c.Copy(v)
	return c
}

// ridgeManyScaled runs the package pipeline (see input.go) for ridge with
// the right-hand sides in the columns of the n×k matrix Y and one or more
// penalties: it checks the options and every λ, checks and copies X and Y,
// scales both by powers of two, scales every λ to the scaled X (λ/4^e when X
// was scaled by 2^-e), runs core and scales each p×k solution back. Y is
// named yName in messages. core may overwrite its X and Y and returns one
// p×k solution per penalty. The "ridge-chol", "ridge-dual" and "ridge-svd"
// solvers share it for SolveMany and RidgeSVD.Path.
func ridgeManyScaled(name string, cfg *config, lambdas []float64, X, Y mat.Matrix, yName string,
	core func(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, error)) ([]*mat.Dense, error) {
	if cfg.err != nil {
		return nil, fmt.Errorf("%s: %w", name, cfg.err)
	}
	for _, l := range lambdas {
		if !(l >= 0 && !math.IsInf(l, 1)) {
			return nil, refusal(name, ErrBadParameter, "λ = %v must be finite and non-negative", l)
		}
	}
	n, p, err := dims(name, X)
	if err != nil {
		return nil, err
	}
	if Y == nil {
		return nil, refusal(name, ErrShape, "%s is nil", yName)
	}
	m, k, err := dims(name, Y)
	if err != nil {
		return nil, refusal(name, ErrShape, "%s is empty or unusable", yName)
	}
	if m != n {
		return nil, refusal(name, ErrShape, "%s has %d rows, X has %d", yName, m, n)
	}
	sx, err := scaleCopy(name, "X", X, n, p)
	if err != nil {
		return nil, err
	}
	sy, err := scaleCopy(name, yName, Y, n, k)
	if err != nil {
		return nil, err
	}
	Ws := make([]*mat.Dense, len(lambdas))
	if sx.zero || sy.zero || len(lambdas) == 0 {
		for i := range Ws {
			Ws[i] = mat.NewDense(p, k, nil)
		}
		return Ws, nil
	}
	scaledLambdas := make([]float64, len(lambdas))
	for i, l := range lambdas {
		scaledLambdas[i] = math.Ldexp(l, -2*sx.exp)
		if math.IsInf(scaledLambdas[i], 0) {
			return nil, refusal(name, ErrBadParameter, "λ = %v overflows when X is scaled to unit size (max|X| ≈ 2^%d)", l, sx.exp)
		}
	}
	Ws, err = core(sx.X, sy.X, scaledLambdas)
	if err != nil {
		return nil, err
	}
	for _, W := range Ws {
		if err := unscale(name, W, sy.exp-sx.exp); err != nil {
			return nil, err
		}
	}
	return Ws, nil
}
