package solvers

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// RidgeSVD is the "ridge-svd" solver: ridge regression from one thin SVD
// X = U·diag(σ)·Vᵀ of the n×p X (k = min(n, p) singular values),
//
//	w_λ = V·diag(f_λ(σ_i))·Uᵀy,  f_λ(σ) = σ/(σ² + λ),
//
// the spectral filter form of (XᵀX + λI)⁻¹Xᵀy. It costs one SVD, O(n·p·k)
// flops, after which every further λ costs only O((n + p)·k): Path solves
// for many penalties from one factorization.
//
// # Rank cut-off
//
// Singular values at or below rcond·σ_max contribute 0 (a zero singular value
// never gives a NaN). At λ = 0 the default rcond is numpy's lstsq convention,
//
//	rcond = ε·max(n, p),  ε = 2⁻⁵²,
//
// the same as the "svd" solver, so that w₀ = X⁺y is the min-norm solution of
// the numerically rank-deficient problem; it is numpy's because that is the
// cut-off most users compare against, and it is safe at the threshold n = p,
// where σ_min of a full-rank X is still far above it. For λ > 0 no cut-off
// is needed (f_λ(σ) ≤ σ/λ vanishes with σ), so the default rcond is 0 and
// only exact zeros are dropped. WithRCond sets rcond for every λ, which then
// gives truncated ridge.
//
// # Accuracy
//
// The SVD is backward stable, so RidgeSVD returns the ridge solution of a
// matrix within a small multiple of u‖X‖ of X: its relative error is about
// u·(√κ + κ·‖y − X·w_λ‖/(σ_max‖w_λ‖)), κ = (σ_max² + λ)/(σ_min² + λ), which
// can be large for an ill-conditioned X at tiny λ, as the problem's own
// sensitivity. RidgeSVD never refuses for conditioning; it returns an error
// wrapping ErrNotConverged only if the SVD iteration itself fails.
//
// Its Report gives the numerical rank r at the cut-off for λ = 0 (or the
// WithRCond cut-off) and Cond = σ_1/σ_r.
type RidgeSVD struct {
	lambda float64
	cfg    config
}

// NewRidgeSVD returns the "ridge-svd" solver with penalty λ. It accepts
// WithRCond. An invalid λ (negative, NaN or +Inf) makes Solve return an error
// wrapping ErrBadParameter.
func NewRidgeSVD(lambda float64, opts ...Option) *RidgeSVD {
	return &RidgeSVD{lambda: lambda, cfg: newConfig(optRCond, opts)}
}

// Name returns "ridge-svd".
func (s *RidgeSVD) Name() string { return "ridge-svd" }

// Solve returns w_λ = V·diag(σ_i/(σ_i² + λ))·Uᵀy.
func (s *RidgeSVD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *RidgeSVD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, true, s.lambda, X, y, s.core)
}

// SolveMany factors X once and returns the p×k matrix W whose column j is
// w_λ for column j of the n×k matrix Y.
func (s *RidgeSVD) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	Ws, err := ridgeManyScaled(s.Name(), &s.cfg, []float64{s.lambda}, X, Y, "Y", s.filtered)
	if err != nil {
		return nil, err
	}
	return Ws[0], nil
}

// Path returns w_λ for every λ in lambdas, in order, from one SVD of X; the
// solver's own λ is not used. Every λ must be finite and non-negative, or
// Path returns an error wrapping ErrBadParameter; each λ is judged and scaled
// exactly as Solve would. An empty lambdas gives an empty result.
//
// Along the path ‖w_λ‖ is non-increasing in λ, and w_λ → X⁺y as λ → 0⁺ when
// no singular value lies at or below the cut-off.
func (s *RidgeSVD) Path(X mat.Matrix, y mat.Vector, lambdas []float64) ([]*mat.VecDense, error) {
	Ws, err := ridgeManyScaled(s.Name(), &s.cfg, lambdas, X, y, "y", s.filtered)
	if err != nil {
		return nil, err
	}
	out := make([]*mat.VecDense, len(Ws))
	for i, W := range Ws {
		out[i] = mat.VecDenseCopyOf(W.ColView(0))
	}
	return out, nil
}

func (s *RidgeSVD) core(t *task) (*mat.VecDense, Report, error) {
	Ws, rep, err := s.filter(t.X, ridgeColumnOf(t.y), []float64{t.lambda})
	if err != nil {
		return nil, rep, err
	}
	return mat.VecDenseCopyOf(Ws[0].ColView(0)), rep, nil
}

// filtered is filter without the Report, the core for ridgeManyScaled.
func (s *RidgeSVD) filtered(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, error) {
	Ws, _, err := s.filter(X, Y, lambdas)
	return Ws, err
}

// filter factors the scaled n×p X = U·diag(σ)·Vᵀ once and returns, for each
// λ, the p×m matrix V·diag(f_λ(σ))·UᵀY, overwriting X and Y. It never forms U:
// X is bidiagonalised as for "svd" (X = Q·B·Pᵀ, see SVD), the rotations of
// the bidiagonal SVD B = U_B·Σ·V_Bᵀ are applied to C = QᵀY and accumulated
// into V_Bᵀ, and w_λ = P·V_B·diag(f_λ(σ))·U_BᵀC.
func (s *RidgeSVD) filter(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, Report, error) {
	n, p := X.Dims()
	bd := bidiagonalize(X)
	C := bd.applyQT(Y.RawMatrix()) // k×m: the coordinates of Y in Q's basis
	sv, ok := bd.rotate(C)         // now U_BᵀC
	if !ok {
		return nil, Report{}, refusal(s.Name(), ErrNotConverged, "the SVD iteration did not converge")
	}
	sigma := sv.sigma

	rep := Report{Rank: svdRank(sigma, svdRCond(&s.cfg, n, p, 0))}
	if rep.Rank > 0 {
		rep.Cond = sigma[0] / sigma[rep.Rank-1]
	}

	k, m := C.Rows, C.Cols
	D := blas64.General{Rows: k, Cols: m, Stride: m, Data: make([]float64, k*m)}
	Ws := make([]*mat.Dense, len(lambdas))
	for l, lambda := range lambdas {
		r := svdRank(sigma, svdRCond(&s.cfg, n, p, lambda))
		for i := 0; i < k; i++ {
			f := 0.0
			if i < r {
				f = ridgeFilter(sigma[i], lambda)
			}
			src, dst := C.Data[i*C.Stride:i*C.Stride+m], D.Data[i*m:(i+1)*m]
			for j := range dst {
				dst[j] = f * src[j]
			}
		}
		sv.combine(D)
		Ws[l] = bd.applyP(D)
	}
	return Ws, rep, nil
}

// ridgeFilter returns f_λ(σ) = σ/(σ² + λ) for σ > 0, written as 1/(σ + λ/σ)
// so that neither σ² underflowing nor λ/σ overflowing turns a representable
// value into Inf or NaN.
func ridgeFilter(sigma, lambda float64) float64 {
	if lambda == 0 {
		return 1 / sigma
	}
	return 1 / (sigma + lambda/sigma)
}
