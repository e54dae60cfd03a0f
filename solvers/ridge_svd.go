package solvers

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// RidgeSVD is the "ridge-svd" solver: ridge regression from one thin SVD
// X = U·diag(σ)·Vᵀ of the n×p X (k = min(n, p) singular values),
//
//	w_λ = V·diag(f_λ(σ_i))·Uᵀy,  f_λ(σ) = σ/(σ² + λ),
//
// the spectral filter form of (XᵀX + λI)⁻¹Xᵀy. U is never formed: X is
// reduced to a bidiagonal B = Qᵀ·X·P as for "svd" (see SVD), and for λ > 0
// the ridge problem for B is solved by Eldén's O(k) Givens method, without
// singular vectors (see filter). It costs one bidiagonalization, O(n·p·k)
// flops, after which every further λ costs only O((n + p)·k): Path solves
// for many penalties from one factorization. Only a cut-off at λ > 0
// (WithRCond) needs the right singular vectors of B, O(k³) more.
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
// The bidiagonalization, the SVD and the Givens rotations are backward
// stable, so RidgeSVD returns the ridge solution of a matrix within a small
// multiple of u‖X‖ of X (and of a penalty within a relative O(u) of λ; the
// tests find the errors of Eldén's method far inside the perturbation bound
// below, from λ = 10⁻²⁰·σ_max² to 10⁸·σ_max²): its relative error is about
// u·(√κ + κ·‖y − X·w_λ‖/(σ_max‖w_λ‖)), κ = (σ_max² + λ)/(σ_min² + λ), which
// can be large for an ill-conditioned X at tiny λ, as the problem's own
// sensitivity. RidgeSVD never refuses for conditioning; it returns an error
// wrapping ErrNotConverged only if the bidiagonal SVD iteration itself fails.
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

// filter returns, for each λ, the p×m matrix V·diag(f_λ(σ))·UᵀY of the scaled
// n×p X = U·diag(σ)·Vᵀ, overwriting X and Y, from one bidiagonalization
// X = Q·B·Pᵀ (as for "svd", see SVD; B upper bidiagonal) and C = QᵀY, as
// W = P·Z where Z solves the problem for B,
//
//	minimize over Z: ‖B·Z − C‖²_F + λ‖Z‖²_F,
//
// in one of three ways:
//   - λ > 0 without a cut-off (the default): Eldén's method (ridgeBidiagonal),
//     O(k·m) flops per λ and no singular vectors;
//   - λ = 0: as "svd", B⁻¹C when no singular value lies at or below the
//     cut-off;
//   - otherwise (a cut-off to apply): the SVD B = U_B·Σ·V_Bᵀ with its
//     rotations applied to C and accumulated into V_Bᵀ (U_B is not formed),
//     and Z = V_B·diag(f_λ(σ))·U_BᵀC.
//
// The Report's rank and Cond are those of the λ = 0 cut-off.
func (s *RidgeSVD) filter(X, Y *mat.Dense, lambdas []float64) ([]*mat.Dense, Report, error) {
	n, p := X.Dims()
	bd := bidiagonalize(X)
	C := bd.applyQT(Y.RawMatrix())
	if !bd.singularValues() {
		return nil, Report{}, refusal(s.Name(), ErrNotConverged, "the SVD iteration did not converge")
	}
	sigma := bd.sigma
	k, m := C.Rows, C.Cols
	needVectors := func(lambda float64) bool {
		rcond := svdRCond(&s.cfg, n, p, lambda)
		if lambda == 0 { // B⁻¹C unless a σ_i is cut off (or B is exactly singular)
			return svdRank(sigma, rcond) < k || slices.Contains(bd.d, 0)
		}
		return rcond > 0
	}
	var sv bidiagonalSVD
	var UC blas64.General // U_BᵀC
	for _, lambda := range lambdas {
		if !needVectors(lambda) {
			continue
		}
		UC = blas64.General{Rows: k, Cols: m, Stride: m, Data: make([]float64, k*m)}
		for i := 0; i < k; i++ {
			copy(UC.Data[i*m:(i+1)*m], C.Data[i*C.Stride:i*C.Stride+m])
		}
		var ok bool
		if sv, ok = bd.rotate(UC); !ok {
			return nil, Report{}, refusal(s.Name(), ErrNotConverged, "the SVD iteration did not converge")
		}
		sigma = sv.sigma // the singular values that go with the vectors, for every λ
		break
	}

	rep := Report{Rank: svdRank(sigma, svdRCond(&s.cfg, n, p, 0))}
	if rep.Rank > 0 {
		rep.Cond = sigma[0] / sigma[rep.Rank-1]
	}

	Ws := make([]*mat.Dense, len(lambdas))
	for l, lambda := range lambdas {
		Z := blas64.General{Rows: k, Cols: m, Stride: m, Data: make([]float64, k*m)}
		switch {
		case needVectors(lambda):
			r := svdRank(sigma, svdRCond(&s.cfg, n, p, lambda))
			for i := 0; i < r; i++ {
				f := ridgeFilter(sigma[i], lambda)
				src, dst := UC.Data[i*m:(i+1)*m], Z.Data[i*m:(i+1)*m]
				for j := range dst {
					dst[j] = f * src[j]
				}
			}
			sv.combine(Z)
		case lambda == 0:
			for i := 0; i < k; i++ {
				copy(Z.Data[i*m:(i+1)*m], C.Data[i*C.Stride:i*C.Stride+m])
			}
			bd.solveB(Z)
		default:
			for i := 0; i < k; i++ {
				copy(Z.Data[i*m:(i+1)*m], C.Data[i*C.Stride:i*C.Stride+m])
			}
			ridgeBidiagonal(bd.d, bd.e, Z, lambda)
		}
		Ws[l] = bd.applyP(Z)
	}
	return Ws, rep, nil
}

// ridgeBidiagonal overwrites the k×m C with the Z that minimises
// ‖B·Z − C‖²_F + λ‖Z‖²_F, λ > 0, for the k×k upper bidiagonal B with diagonal
// d and superdiagonal e: the least-squares problem for the 2k×k [B; √λ·I],
// which 2k Givens rotations bring to an upper bidiagonal B_λ (Eldén 1977,
// "Algorithms for the regularization of ill-conditioned least squares
// problems", BIT 17). Row j of B and row j of √λ·I are combined top to
// bottom: each step leaves one row of B_λ, a row of zeros (whose right-hand
// side is residual) and one row carrying a fill-in at column j+1 into the
// next step. Every diagonal entry of B_λ is at least √λ in magnitude, so the
// back substitution never divides by zero. Givens rotations are backward
// stable, so Z is the exact ridge solution for [B; √λ·I] perturbed by a
// small multiple of u·‖[B; √λ·I]‖.
func ridgeBidiagonal(d, e []float64, c blas64.General, lambda float64) {
	k, m := len(d), c.Cols
	mu := math.Sqrt(lambda)
	dl := make([]float64, k) // B_λ's diagonal
	el := make([]float64, k) // and superdiagonal
	g := make([]float64, m)  // the carried row's right-hand side
	fill := 0.0              // the carried row's entry at column j
	for j := 0; j < k; j++ {
		// Merge the carried row (fill at column j) with row j of √λ·I.
		a := mu
		if j > 0 {
			var cs float64
			cs, _, a = givens.Dlartg(fill, mu)
			for t := range g {
				g[t] *= cs
			}
		}
		// Rotate row j of B (d_j, e_j) against it: the merged row keeps the
		// fill-in −sn·e_j at column j+1.
		cs, sn, r := givens.Dlartg(d[j], a)
		dl[j] = r
		if j < k-1 {
			el[j], fill = cs*e[j], -sn*e[j]
		}
		row := c.Data[j*c.Stride : j*c.Stride+m]
		for t := range row {
			row[t], g[t] = cs*row[t]+sn*g[t], cs*g[t]-sn*row[t]
		}
	}
	svdBackSubstitute(dl, el[:max(0, k-1)], c)
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
