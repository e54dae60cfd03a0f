package solvers

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// SVD is the "svd" solver: the minimum-norm least-squares solution from the
// thin singular value decomposition of the n×p X (k = min(n, p)),
//
//	X = U·diag(σ₁ ≥ … ≥ σ_k)·Vᵀ,   X⁺ = V_r·diag(1/σ₁, …, 1/σ_r)·U_rᵀ,
//
// truncated at the numerical rank r: the number of singular values above the
// cut-off
//
//	σ_i > rcond·σ₁,   rcond = ε·max(n, p),  ε = 2⁻⁵² by default.
//
// The SVD is LAPACK's xGESVD (lapack64.Gesvd, the routine behind gonum's
// mat.SVD), run directly on the pipeline's private copy of X to save
// mat.SVD's extra copy; it costs O(n·p·min(n, p)) flops with a large
// constant, several times a QR factorization.
//
// # Rank cut-off
//
// The default is numpy's convention (numpy.linalg.lstsq with rcond=None; also
// the default rtol of scipy.linalg.pinv since scipy 1.7 and of linalg.pinv in
// the Python array API standard), chosen because numpy is the peer most users
// compare against, and because it is the scale of the SVD's own rounding
// error: the computed σ_i are exact for a matrix within about ε·max(n, p)·σ₁
// of X, so a singular value below that level cannot be told from zero.
// (scipy's lstsq uses ε·σ₁ and Julia's pinv ε·min(n, p)·σ₁.) WithRCond(r)
// replaces rcond by r; r = 0 keeps every non-zero singular value.
//
// # Accuracy and refusals
//
// The SVD is backward stable, so the relative error of w is about κ·u for a
// consistent or underdetermined problem and u·(κ + κ²‖r‖/(‖X‖‖w‖)) with a
// residual r, where κ = σ₁/σ_r and u = 2⁻⁵³. SVD never refuses for
// conditioning; Solve returns an error wrapping ErrNotConverged only if the
// SVD's QR iteration itself fails to converge (LAPACK's xGESVD INFO > 0), and,
// like every solver, an error wrapping ErrIllConditioned when X⁺y itself
// overflows float64 (say X = [5·10⁻³²⁴], y = [1]).
//
// SVD implements Pseudoinverter, MultiSolver (one factorization for many
// right-hand sides) and Reporter (Rank = r, Cond = σ₁/σ_r).
type SVD struct{ cfg config }

// NewSVD returns the "svd" solver. It accepts WithRCond.
func NewSVD(opts ...Option) *SVD { return &SVD{cfg: newConfig(optRCond, opts)} }

// Name returns "svd".
func (s *SVD) Name() string { return "svd" }

// Solve returns X⁺y, truncated at the rank cut-off.
func (s *SVD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the rank r and Cond = σ₁/σ_r.
func (s *SVD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// Pinv returns the p×n truncated pseudoinverse V_r·diag(1/σ_i)·U_rᵀ.
func (s *SVD) Pinv(X mat.Matrix) (*mat.Dense, error) {
	return pinvScaled(s.Name(), &s.cfg, X, func(a *mat.Dense) (*mat.Dense, error) {
		f, err := s.factor(a)
		if err != nil {
			return nil, err
		}
		n, p := a.Dims()
		// X⁺ = (V_r·Σ_r⁻¹)·U_rᵀ: scale the rows of V_rᵀ, then one product.
		vt := f.vtRows()
		for i := 0; i < f.rank; i++ {
			row := vt.Data[i*vt.Stride : i*vt.Stride+p]
			for j := range row {
				row[j] /= f.sigma[i]
			}
		}
		P := mat.NewDense(p, n, nil)
		blas64.Gemm(blas.Trans, blas.Trans, 1, vt, f.uCols(), 0, P.RawMatrix())
		return P, nil
	})
}

// SolveMany returns the p×k matrix X⁺Y from one factorization of X.
func (s *SVD) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		f, err := s.factor(a)
		if err != nil {
			return nil, err
		}
		return f.solve(b.RawMatrix()), nil
	})
}

func (s *SVD) core(t *task) (*mat.VecDense, Report, error) {
	f, err := s.factor(t.X)
	if err != nil {
		return nil, Report{}, err
	}
	n := t.y.Len()
	w := f.solve(blas64.General{Rows: n, Cols: 1, Stride: 1, Data: t.y.RawVector().Data})
	return mat.NewVecDense(w.RawMatrix().Rows, w.RawMatrix().Data), f.report(), nil
}

// svdFactors is a thin SVD truncated at its numerical rank.
type svdFactors struct {
	sigma []float64      // the k = min(n, p) singular values, largest first
	u     blas64.General // n×k, the left singular vectors as columns
	vt    blas64.General // k×p, the right singular vectors as rows
	rank  int            // r: how many σ_i lie above the cut-off (≥ 1 for X ≠ 0)
}

// svdDefaultRCond is numpy's relative cut-off ε·max(n, p), ε = 2⁻⁵², shared by
// "svd" and "cod".
func svdDefaultRCond(n, p int) float64 { return 0x1p-52 * float64(max(n, p)) }

// rcond returns the configured relative cut-off, or the default.
func (s *SVD) rcond(n, p int) float64 {
	if s.cfg.set&optRCond != 0 {
		return s.cfg.rcond
	}
	return svdDefaultRCond(n, p)
}

// factor computes the thin SVD of a, overwriting a (the pipeline's private
// copy), and its numerical rank.
func (s *SVD) factor(a *mat.Dense) (svdFactors, error) {
	raw := a.RawMatrix()
	n, p := raw.Rows, raw.Cols
	k := min(n, p)
	f := svdFactors{
		sigma: make([]float64, k),
		u:     blas64.General{Rows: n, Cols: k, Stride: k, Data: make([]float64, n*k)},
		vt:    blas64.General{Rows: k, Cols: p, Stride: p, Data: make([]float64, k*p)},
	}
	work := []float64{0}
	lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, raw, f.u, f.vt, f.sigma, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, raw, f.u, f.vt, f.sigma, work, len(work)) {
		return svdFactors{}, refusal(s.Name(), ErrNotConverged, "the SVD's QR iteration did not converge")
	}
	cut := s.rcond(n, p) * f.sigma[0]
	for f.rank < k && f.sigma[f.rank] > cut {
		f.rank++
	}
	return f, nil
}

// uCols returns U_r, the first r columns of U.
func (f *svdFactors) uCols() blas64.General {
	return blas64.General{Rows: f.u.Rows, Cols: f.rank, Stride: f.u.Stride, Data: f.u.Data}
}

// vtRows returns V_rᵀ, the first r rows of Vᵀ.
func (f *svdFactors) vtRows() blas64.General {
	return blas64.General{Rows: f.rank, Cols: f.vt.Cols, Stride: f.vt.Stride, Data: f.vt.Data[:f.rank*f.vt.Stride]}
}

// solve returns V_r·Σ_r⁻¹·U_rᵀ·B for the n×m matrix B.
func (f *svdFactors) solve(b blas64.General) *mat.Dense {
	m := b.Cols
	c := blas64.General{Rows: f.rank, Cols: m, Stride: m, Data: make([]float64, f.rank*m)}
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, f.uCols(), b, 0, c)
	for i := 0; i < f.rank; i++ {
		row := c.Data[i*m : (i+1)*m]
		for j := range row {
			row[j] /= f.sigma[i]
		}
	}
	W := mat.NewDense(f.vt.Cols, m, nil)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, f.vtRows(), c, 0, W.RawMatrix())
	return W
}

func (f *svdFactors) report() Report {
	return Report{Rank: f.rank, Cond: f.sigma[0] / f.sigma[f.rank-1]}
}
