package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// COD is the "cod" solver: the minimum-norm least-squares solution from a
// complete orthogonal decomposition of the n×p X, without an SVD, as LAPACK's
// xGELSY and MATLAB's lsqminnorm compute it:
//
//  1. column-pivoted Householder QR (Businger–Golub), X·P = Q·R, with R
//     upper trapezoidal and |R₁₁| ≥ |R₂₂| ≥ … ;
//  2. the numerical rank r from the diagonal of R (below);
//  3. an LQ factorization of the leading r×p block, [R₁₁ R₁₂] = [L 0]·Z, with
//     L r×r lower triangular and Z p×p orthogonal.
//
// Then, with Q₁ the first r columns of Q,
//
//	X ≈ Q₁·[L 0]·Z·Pᵀ,  X⁺ = P·Zᵀ·[L⁻¹; 0]·Q₁ᵀ,  w = P·Zᵀ·[L⁻¹·(Q₁ᵀy); 0].
//
// When r = p (full column rank) the LQ step is skipped and w = P·R₁₁⁻¹·Q₁ᵀy.
// The cost is about that of two QR factorizations, O(n·p·min(n, p)), several
// times less than an SVD.
//
// # Rank cut-off
//
// The rank is the number of leading diagonal entries of R with
//
//	|R_ii| > rcond·|R₁₁|,   rcond = ε·max(n, p),  ε = 2⁻⁵² by default,
//
// the relative cut-off of the "svd" solver (numpy's convention) applied to
// |R_ii|/|R₁₁| in place of σ_i/σ₁; WithRCond(r) replaces rcond by r. The
// pivoting makes |R₁₁| a column norm of X, within a factor √p of σ₁, and
// |R_ii| an estimate of σ_i that is usually within a small factor of it, so
// on matrices with a clear gap in the spectrum "cod" and "svd" agree on the
// rank. The known limit of pivoted-QR rank detection: on adversarial matrices
// such as Kahan's (Kahan 1966; discussed with QR with column pivoting in Golub
// & Van Loan, Matrix Computations) the last |R_ii| stays far above σ_min and
// the rank is overestimated (on the 90×90 Kahan matrix of TestCODKahanLimit
// σ_min/σ₁ ≈ 9·10⁻¹⁸ but |R_nn|/|R₁₁| ≈ 4·10⁻⁴). LAPACK's xGELSY shares
// this limit; only a strong rank-revealing QR (Gu & Eisenstat 1996) or the SVD
// avoids it. Use "svd" when that matters.
//
// # Accuracy and refusals
//
// Householder QR and LQ are backward stable, so on a matrix whose rank is
// revealed the relative error is about κ·u (consistent or underdetermined)
// and u·(κ + κ²‖r‖/(‖X‖‖w‖)) with a residual r, κ = σ₁/σ_r, u = 2⁻⁵³. COD
// never refuses, except, like every solver, with an error wrapping
// ErrIllConditioned when X⁺y itself overflows float64.
//
// COD implements Pseudoinverter, MultiSolver and Reporter (Rank = r).
type COD struct{ cfg config }

// NewCOD returns the "cod" solver. It accepts WithRCond.
func NewCOD(opts ...Option) *COD { return &COD{cfg: newConfig(optRCond, opts)} }

// Name returns "cod".
func (s *COD) Name() string { return "cod" }

// Solve returns X⁺y at the numerical rank of the pivoted QR.
func (s *COD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the rank r.
func (s *COD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// Pinv returns the p×n pseudoinverse P·Zᵀ·[L⁻¹; 0]·Q₁ᵀ, by solving for the
// columns of the n×n identity.
func (s *COD) Pinv(X mat.Matrix) (*mat.Dense, error) {
	return pinvScaled(s.Name(), &s.cfg, X, func(a *mat.Dense) (*mat.Dense, error) {
		n, _ := a.Dims()
		eye := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
		for i := 0; i < n; i++ {
			eye.Data[i*n+i] = 1
		}
		W, _ := s.minNorm(a, eye)
		return W, nil
	})
}

// SolveMany returns the p×k matrix X⁺Y from one decomposition of X.
func (s *COD) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		W, _ := s.minNorm(a, b.RawMatrix())
		return W, nil
	})
}

func (s *COD) core(t *task) (*mat.VecDense, Report, error) {
	n := t.y.Len()
	b := blas64.General{Rows: n, Cols: 1, Stride: 1, Data: t.y.RawVector().Data}
	W, rank := s.minNorm(t.X, b)
	p := W.RawMatrix().Rows
	return mat.NewVecDense(p, W.RawMatrix().Data), Report{Rank: rank}, nil
}

// minNorm returns the p×m matrix X⁺B for the n×m matrix B, and the rank.
// It overwrites a (the pipeline's private copy of X) and b.
func (s *COD) minNorm(a *mat.Dense, b blas64.General) (*mat.Dense, int) {
	A := a.RawMatrix()
	n, p, m := A.Rows, A.Cols, b.Cols
	k := min(n, p)

	jpvt := make([]int, p)
	for j := range jpvt {
		jpvt[j] = -1 // every column is free to pivot
	}
	tauQ := make([]float64, k)
	tauZ := make([]float64, k)
	out := mat.NewDense(p, m, nil)
	V := out.RawMatrix()

	// One workspace, sized by the largest query.
	query := []float64{0}
	lwork := 3*p + 1
	lapack64.Geqp3(A, jpvt, tauQ, query, -1)
	lwork = max(lwork, int(query[0]))
	lapack64.Ormqr(blas.Left, blas.Trans, A, tauQ, b, query, -1)
	lwork = max(lwork, int(query[0]))
	lapack64.Gelqf(A, tauZ, query, -1)
	lwork = max(lwork, int(query[0]))
	lapack64.Ormlq(blas.Left, blas.Trans, blas64.General{Rows: k, Cols: p, Stride: A.Stride, Data: A.Data}, tauZ, V, query, -1)
	lwork = max(lwork, int(query[0]))
	work := make([]float64, lwork)

	// 1. X·P = Q·R.
	lapack64.Geqp3(A, jpvt, tauQ, work, lwork)

	// 2. The rank: |R₁₁| > 0 because X ≠ 0 and the first pivot is the
	// column of largest norm, so r ≥ 1.
	cut := s.rcond(n, p) * math.Abs(A.Data[0])
	r := 0
	for r < k && math.Abs(A.Data[r*A.Stride+r]) > cut {
		r++
	}

	// Qᵀ·B, before the LQ step overwrites the reflectors of Q.
	lapack64.Ormqr(blas.Left, blas.Trans, A, tauQ, b, work, lwork)

	// 3. [R₁₁ R₁₂] = [L 0]·Z on the leading r rows; below the diagonal they
	// hold Q's reflectors, which must be cleared first.
	T := blas64.General{Rows: r, Cols: p, Stride: A.Stride, Data: A.Data[:(r-1)*A.Stride+p]}
	tri := blas64.Triangular{N: r, Stride: A.Stride, Data: T.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
	if r < p {
		for i := 1; i < r; i++ {
			clear(T.Data[i*T.Stride : i*T.Stride+i])
		}
		lapack64.Gelqf(T, tauZ[:r], work, lwork)
		tri.Uplo = blas.Lower
	}

	// Solve L·c = (Qᵀ·B)₁ (or R₁₁·c = (Qᵀ·B)₁) in the leading r rows of V.
	for i := 0; i < r; i++ {
		copy(V.Data[i*V.Stride:i*V.Stride+m], b.Data[i*b.Stride:i*b.Stride+m])
	}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, tri, blas64.General{Rows: r, Cols: m, Stride: V.Stride, Data: V.Data})

	// V = Zᵀ·[c; 0], then undo the column pivoting: w[jpvt[j]] = V[j].
	if r < p {
		lapack64.Ormlq(blas.Left, blas.Trans, T, tauZ[:r], V, work, lwork)
	}
	lapack64.Lapmr(false, V, jpvt)
	return out, r
}

// rcond returns the configured relative cut-off, or the default shared with "svd".
func (s *COD) rcond(n, p int) float64 {
	if s.cfg.set&optRCond != 0 {
		return s.cfg.rcond
	}
	return svdDefaultRCond(n, p)
}
