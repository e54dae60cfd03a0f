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
// The rank is decided in two steps, with rcond = ε·max(n, p), ε = 2⁻⁵², the
// relative cut-off of the "svd" solver (numpy's convention; WithRCond(r)
// replaces it by r):
//
//  1. r₀ = the number of leading diagonal entries of R with |R_ii| > rcond·|R₁₁|;
//  2. while r > 1 and σ̂_min(R_{1:r,1:r}) ≤ rcond·σ̂_max(R_{1:r,1:r}): r ← r − 1,
//
// with σ̂_min and σ̂_max from a few steps of inverse and direct power iteration
// on the r×r triangle (two triangular solves or products a step, O(r²)).
// Step 1 alone is what xGELSY's diagonal test does; it is not enough: |R_ii|
// can exceed σ_i by a sizeable factor, so that on an exactly singular 2×2
// matrix the rounding of the QR itself left |R₂₂|/|R₁₁| ≈ 2.006·ε, just above
// the cut-off 2ε, and "cod" returned a solution of norm 10¹⁵ where "svd"
// (σ₂ = 0) returned X⁺y; the row-permuted copy of the same matrix gave
// |R₂₂|/|R₁₁| ≈ 0. Step 2 applies the cut-off to singular values of the
// leading triangle, which interlace those of X (σ_i(R₁₁) ≤ σ_i(X)), so "cod"
// and "svd" agree on the rank unless a singular value lies within a small
// factor of the cut-off. Inverse iteration converges at the rate
// σ_r/σ_{r−1}, which is tiny exactly when a numerically zero σ_r sits under a
// gap; it overestimates σ_min otherwise, so a borderline σ_r may be kept.
// The step also catches the classical failure of pivoted-QR rank detection,
// Kahan's matrix (Kahan 1966; Golub & Van Loan, Matrix Computations), where
// the last |R_ii| stays far above σ_min (on the 90×90 Kahan matrix of
// TestCODKahanLimit σ_min/σ₁ ≈ 9·10⁻¹⁸ but |R_nn|/|R₁₁| ≈ 4·10⁻⁴): a rank
// deficiency that hides behind a large |R_ii| in the trailing columns is
// still missed only if it is invisible in every leading triangle, which a
// strong rank-revealing QR (Gu & Eisenstat 1996) or the SVD would exclude.
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
	r := codRank(A, k, s.rcond(n, p))

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

// codRank returns the numerical rank of the column-pivoted QR factor held in
// the upper triangle of A (k = min(rows, cols) diagonal entries) by the rule
// documented on COD: the diagonal test, then codRefineRank. It returns 0 only
// when R₁₁ = 0.
func codRank(A blas64.General, k int, rcond float64) int {
	cut := rcond * math.Abs(A.Data[0])
	r := 0
	for r < k && math.Abs(A.Data[r*A.Stride+r]) > cut {
		r++
	}
	if r == 0 {
		return 0
	}
	return codRefineRank(A, r, rcond)
}

// codRefineRank applies step 2 of the rank rule (see COD) to the upper
// triangle held in the leading r×r block of A: it lowers r while the
// estimated smallest singular value of the leading triangle is at most
// rcond times the estimated largest. A triangle whose inverse overflows is
// treated as singular.
func codRefineRank(A blas64.General, r int, rcond float64) int {
	const steps = 6 // power-iteration steps for each estimate
	x := make([]float64, r)
	for r > 1 {
		tri := blas64.Triangular{N: r, Stride: A.Stride, Data: A.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
		v := blas64.Vector{N: r, Inc: 1, Data: x[:r]}
		// σ̂_max: ‖R·x‖ after power iteration on RᵀR.
		startVector(x[:r])
		smax := 0.0
		for it := 0; it < steps; it++ {
			blas64.Trmv(blas.NoTrans, tri, v)
			blas64.Trmv(blas.Trans, tri, v)
			nrm := blas64.Nrm2(v)
			if nrm == 0 || math.IsInf(nrm, 0) || math.IsNaN(nrm) {
				break
			}
			smax = math.Sqrt(nrm)
			blas64.Scal(1/nrm, v)
		}
		// σ̂_min: 1/√‖(RᵀR)⁻¹·x‖ after inverse iteration.
		startVector(x[:r])
		smin := 0.0
		for it := 0; it < steps; it++ {
			blas64.Trsv(blas.Trans, tri, v)
			blas64.Trsv(blas.NoTrans, tri, v)
			nrm := blas64.Nrm2(v)
			if nrm == 0 || math.IsInf(nrm, 0) || math.IsNaN(nrm) {
				smin = 0 // the inverse overflows: numerically singular
				break
			}
			smin = 1 / math.Sqrt(nrm)
			blas64.Scal(1/nrm, v)
		}
		if smin > rcond*smax {
			break
		}
		r--
	}
	return r
}

// startVector fills x with a fixed unit vector that has no special
// structure (so it is not orthogonal to any singular vector by accident),
// making the rank decision deterministic.
func startVector(x []float64) {
	s := 0.0
	for i := range x {
		x[i] = 1 + 0.5*math.Sin(float64(3*i+1))
		s += x[i] * x[i]
	}
	s = 1 / math.Sqrt(s)
	for i := range x {
		x[i] *= s
	}
}
