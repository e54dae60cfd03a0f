package solvers

import (
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/lapackfix"
)

// SVD is the "svd" solver: the minimum-norm least-squares solution from the
// singular value decomposition of the n×p X (k = min(n, p)),
//
//	X = U·diag(σ₁ ≥ … ≥ σ_k)·Vᵀ,   X⁺ = V_r·diag(1/σ₁, …, 1/σ_r)·U_rᵀ,
//
// truncated at the numerical rank r: the number of singular values above the
// cut-off
//
//	σ_i > rcond·σ₁,   rcond = ε·max(n, p),  ε = 2⁻⁵² by default.
//
// # Algorithm
//
// The SVD is computed the way LAPACK's xGELSS solves least squares, without
// ever forming U (Golub & Van Loan, Matrix Computations, 4th ed., §5.4.8 and
// §8.6): X is reduced by Householder reflections to a k×k bidiagonal B,
//
//	X = Q·[B; 0]·Pᵀ  (n ≥ p, B upper),   X = Q·[B 0]·Pᵀ  (n < p, B lower),
//
// with Q and P kept as reflectors (LAPACK's xGEBRD). When one side is at least
// 1.6 times the other (LAPACK's crossover, ILAENV ISPEC = 6), X is first
// factored as Q·R (or L·Q) and the k×k triangular factor is bidiagonalised
// instead, which costs fewer flops. The singular values of B, which are those
// of X, come from the dqds algorithm (xBDSQR without vectors, Fernando &
// Parlett 1994), to high relative accuracy. Then, with c = Qᵀy:
//
//   - full numerical rank (r = k, the usual case): w = P·B⁻¹c, by
//     bidiagonal substitution. This is V·Σ⁻¹·Uᵀy exactly, and as accurate:
//     the substitution is backward stable with a componentwise relative
//     perturbation of B, which moves its singular values by a relative O(k·u)
//     only (Demmel & Kahan 1990);
//   - r < k: the SVD B = U_B·Σ·V_Bᵀ by implicit zero-shift QR (xBDSQR),
//     applying its rotations to c and to V_Bᵀ only, and
//     w = P·V_B,r·Σ_r⁻¹·(U_Bᵀc)_r.
//
// The cost is that of the bidiagonalization, 4·n·p·k − 4/3·k³ flops (about
// 2·n·p·k + 2·k³ after a QR or LQ), plus O(k³) more when X is numerically
// rank-deficient. Pinv solves for the n columns of the identity.
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
// replaces rcond by r; r = 0 keeps every non-zero singular value. "ridge-svd"
// applies the same rule at λ = 0.
//
// # Accuracy and refusals
//
// The SVD is backward stable, so the relative error of w is about κ·u for a
// consistent or underdetermined problem and u·(κ + κ²‖r‖/(‖X‖‖w‖)) with a
// residual r, where κ = σ₁/σ_r and u = 2⁻⁵³. SVD never refuses for
// conditioning; Solve returns an error wrapping ErrNotConverged only if the
// bidiagonal SVD iteration itself fails to converge (LAPACK's xBDSQR
// INFO > 0), and, like every solver, an error wrapping ErrIllConditioned when
// X⁺y itself overflows float64 (say X = [5·10⁻³²⁴], y = [1]).
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

// Pinv returns the p×n truncated pseudoinverse V_r·diag(1/σ_i)·U_rᵀ, as the
// solution for the n columns of the identity.
func (s *SVD) Pinv(X mat.Matrix) (*mat.Dense, error) {
	return pinvScaled(s.Name(), &s.cfg, X, func(a *mat.Dense) (*mat.Dense, error) {
		n, _ := a.Dims()
		eye := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			eye.Set(i, i, 1)
		}
		P, _, err := s.minNorm(a, eye)
		return P, err
	})
}

// SolveMany returns the p×k matrix X⁺Y from one factorization of X.
func (s *SVD) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		W, _, err := s.minNorm(a, b)
		return W, err
	})
}

func (s *SVD) core(t *task) (*mat.VecDense, Report, error) {
	n := t.y.Len()
	W, rep, err := s.minNorm(t.X, mat.NewDense(n, 1, t.y.RawVector().Data))
	if err != nil {
		return nil, Report{}, err
	}
	return mat.NewVecDense(W.RawMatrix().Rows, W.RawMatrix().Data), rep, nil
}

// minNorm returns the p×m matrix X⁺Y truncated at the cut-off, overwriting
// the n×p X and the n×m Y (the pipeline's private copies).
func (s *SVD) minNorm(X, Y *mat.Dense) (*mat.Dense, Report, error) {
	bd := bidiagonalize(X)
	c := bd.applyQT(Y.RawMatrix())
	if !bd.singularValues() {
		return nil, Report{}, refusal(s.Name(), ErrNotConverged, "the bidiagonal SVD iteration did not converge")
	}
	rcond := svdRCond(&s.cfg, bd.n, bd.p, 0)
	sigma := bd.sigma
	r := svdRank(sigma, rcond)
	if r == bd.k && !slices.Contains(bd.d, 0) { // B is invertible (the test guards rcond = 0)
		bd.solveB(c)
	} else {
		sv, ok := bd.rotate(c)
		if !ok {
			return nil, Report{}, refusal(s.Name(), ErrNotConverged, "the bidiagonal SVD iteration did not converge")
		}
		// The rank and Report come from the singular values that go with
		// these vectors (equal to bd.sigma to a few ulps).
		sigma = sv.sigma
		r = svdRank(sigma, rcond)
		for i := 0; i < bd.k; i++ {
			row := c.Data[i*c.Stride : i*c.Stride+c.Cols]
			for j := range row {
				if i < r {
					row[j] /= sigma[i]
				} else {
					row[j] = 0
				}
			}
		}
		sv.combine(c)
	}
	return bd.applyP(c), Report{Rank: r, Cond: sigma[0] / sigma[r-1]}, nil
}

// svdRCond returns the relative rank cut-off for penalty λ (0 for the
// min-norm solution) on an n×p X: the WithRCond value if given, else numpy's
// ε·max(n, p) at λ = 0 and 0 for λ > 0 (ridge needs no cut-off: its filter
// σ/(σ² + λ) vanishes with σ). "svd" and "ridge-svd" share it; "cod" and
// "qr" use svdDefaultRCond.
func svdRCond(cfg *config, n, p int, lambda float64) float64 {
	switch {
	case cfg.set&optRCond != 0:
		return cfg.rcond
	case lambda == 0:
		return svdDefaultRCond(n, p)
	}
	return 0
}

// svdDefaultRCond is numpy's relative cut-off ε·max(n, p), ε = 2⁻⁵².
func svdDefaultRCond(n, p int) float64 { return 0x1p-52 * float64(max(n, p)) }

// svdRank returns r, how many of the singular values sigma (sorted largest
// first) lie strictly above rcond·σ₁; r ≥ 1 when σ₁ > 0 and rcond < 1.
func svdRank(sigma []float64, rcond float64) int {
	if len(sigma) == 0 {
		return 0
	}
	cut := rcond * sigma[0]
	r := 0
	for r < len(sigma) && sigma[r] > cut {
		r++
	}
	return r
}

// svdLapacker is the part of LAPACK that the bidiagonal SVD path uses.
// gonum's lapack64 wrapper does not expose xGEBRD, xORMBR or xBDSQR, so the
// routines are called on an implementation directly: gonum's native one by
// default, netlib's (OpenBLAS's LAPACK) in the openblas build.
type svdLapacker interface {
	Dgeqrf(m, n int, a []float64, lda int, tau, work []float64, lwork int)
	Dgelqf(m, n int, a []float64, lda int, tau, work []float64, lwork int)
	Dgebrd(m, n int, a []float64, lda int, d, e, tauQ, tauP, work []float64, lwork int)
	Dbdsqr(uplo blas.Uplo, n, ncvt, nru, ncc int, d, e, vt []float64, ldvt int, u []float64, ldu int, c []float64, ldc int, work []float64) (ok bool)
	Dormqr(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int)
	Dormlq(side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int)
	Dormbr(vect lapack.ApplyOrtho, side blas.Side, trans blas.Transpose, m, n, k int, a []float64, lda int, tau, c []float64, ldc int, work []float64, lwork int)
}

// svdLapack runs the bidiagonal SVD; it is set once, before any solver runs
// (backend_openblas.go replaces it in its init). In the pure-Go build it is
// gonum's LAPACK with internal/lapackfix's blocked Householder routines
// (gonum's are wrong on reflectors with exact trailing zeros).
var svdLapack svdLapacker = lapackfix.Implementation{}

// svdSquareLower says that svdLapack's Dgebrd reduces a square matrix to
// lower (not upper) bidiagonal form, as the openblas build's does
// (svd_openblas.go); it is set with svdLapack.
var svdSquareLower = false

// givens computes plane rotations (xLARTG, which netlib does not export).
var givens gonum.Implementation

// svdPrefactorRatio is LAPACK's crossover (ILAENV ISPEC = 6, used by xGELSS
// and xGESVD): a long side at least 1.6 times the short one is first reduced
// by QR (or LQ).
const svdPrefactorRatio = 1.6

// bidiagonal is the n×p X reduced to the k×k bidiagonal B, k = min(n, p),
//
//	X = Q·[B; 0]·Pᵀ  or  X = Q·[B 0]·Pᵀ,
//
// with Q and P held as Householder reflectors, possibly after a QR or LQ
// factorization of X. It is the shared first step of "svd" and "ridge-svd".
type bidiagonal struct {
	n, p, k int

	// pre is the factorization done before the bidiagonalization: 'N' for
	// none, 'Q' for X = Q₀·R (n ≥ 1.6p), 'L' for X = L·Q₀ (p ≥ 1.6n).
	pre byte
	x   blas64.General // X, overwritten by Dgeqrf's or Dgelqf's reflectors (pre ≠ 'N') or Dgebrd's
	tau []float64      // the scalars of Q₀'s reflectors

	// g is the matrix reduced by Dgebrd (X itself, or the k×k triangular
	// factor R or L), overwritten by its reflectors; B is upper bidiagonal
	// when g has more rows than columns, lower when fewer, and for a square
	// g upper, or lower when svdSquareLower is set (the openblas build).
	g          blas64.General
	uplo       blas.Uplo
	d, e       []float64 // the diagonal and off-diagonal of B
	tauQ, tauP []float64
	sigma      []float64 // the singular values of B, largest first (after singularValues)
}

// svdWork returns workspace of the size a LAPACK workspace query reports.
func svdWork(query func(work []float64, lwork int)) []float64 {
	q := []float64{0}
	query(q, -1)
	return make([]float64, max(1, int(q[0])))
}

// bidiagonalize reduces the n×p X to bidiagonal form, overwriting X.
func bidiagonalize(X *mat.Dense) *bidiagonal {
	raw := X.RawMatrix()
	n, p := raw.Rows, raw.Cols
	k := min(n, p)
	bd := &bidiagonal{n: n, p: p, k: k, pre: 'N', x: raw, g: raw}
	switch {
	case float64(n) >= svdPrefactorRatio*float64(p):
		bd.pre = 'Q'
		bd.tau = make([]float64, k)
		work := svdWork(func(w []float64, l int) { svdLapack.Dgeqrf(n, p, raw.Data, raw.Stride, bd.tau, w, l) })
		svdLapack.Dgeqrf(n, p, raw.Data, raw.Stride, bd.tau, work, len(work))
		bd.g = svdTriangle(raw, k, blas.Upper)
	case float64(p) >= svdPrefactorRatio*float64(n):
		bd.pre = 'L'
		bd.tau = make([]float64, k)
		work := svdWork(func(w []float64, l int) { svdLapack.Dgelqf(n, p, raw.Data, raw.Stride, bd.tau, w, l) })
		svdLapack.Dgelqf(n, p, raw.Data, raw.Stride, bd.tau, work, len(work))
		bd.g = svdTriangle(raw, k, blas.Lower)
	}
	g := bd.g
	bd.uplo = blas.Upper
	if g.Rows < g.Cols || g.Rows == g.Cols && svdSquareLower {
		bd.uplo = blas.Lower
	}
	bd.d = make([]float64, k)
	bd.e = make([]float64, max(1, k-1))
	bd.tauQ = make([]float64, k)
	bd.tauP = make([]float64, k)
	work := svdWork(func(w []float64, l int) {
		svdLapack.Dgebrd(g.Rows, g.Cols, g.Data, g.Stride, bd.d, bd.e, bd.tauQ, bd.tauP, w, l)
	})
	svdLapack.Dgebrd(g.Rows, g.Cols, g.Data, g.Stride, bd.d, bd.e, bd.tauQ, bd.tauP, work, len(work))
	return bd
}

// svdTriangle copies the k×k upper or lower triangle at the top left of a
// into fresh storage, with zeros in the other triangle.
func svdTriangle(a blas64.General, k int, uplo blas.Uplo) blas64.General {
	t := blas64.General{Rows: k, Cols: k, Stride: k, Data: make([]float64, k*k)}
	for i := 0; i < k; i++ {
		lo, hi := i, k // upper: columns i..k-1
		if uplo == blas.Lower {
			lo, hi = 0, i+1
		}
		copy(t.Data[i*k+lo:i*k+hi], a.Data[i*a.Stride+lo:i*a.Stride+hi])
	}
	return t
}

// singularValues computes the singular values of B into bd.sigma by dqds
// (Dlasq1, which needs 4·k of workspace, more than Dbdsqr checks for) and
// reports whether the iteration converged.
func (bd *bidiagonal) singularValues() bool {
	bd.sigma = append([]float64(nil), bd.d...)
	e := append([]float64(nil), bd.e...)
	return svdLapack.Dbdsqr(bd.uplo, bd.k, 0, 0, 0, bd.sigma, e, nil, 1, nil, 1, nil, 1, make([]float64, 4*bd.k))
}

// applyQT overwrites the n×m Y with QᵀY and returns its first k rows, the
// k×m C = (QᵀY)[:k] that B acts on. A lower bidiagonal B (1 < p/n < 1.6) is
// made upper on the way, with its rotations applied to C (makeUpper), so
// that every later step sees an upper bidiagonal B.
func (bd *bidiagonal) applyQT(y blas64.General) blas64.General {
	m := y.Cols
	if bd.pre == 'Q' {
		work := svdWork(func(w []float64, l int) {
			svdLapack.Dormqr(blas.Left, blas.Trans, bd.n, m, bd.k, bd.x.Data, bd.x.Stride, bd.tau, y.Data, y.Stride, w, l)
		})
		svdLapack.Dormqr(blas.Left, blas.Trans, bd.n, m, bd.k, bd.x.Data, bd.x.Stride, bd.tau, y.Data, y.Stride, work, len(work))
	}
	g := bd.g
	work := svdWork(func(w []float64, l int) {
		svdLapack.Dormbr(lapack.ApplyQ, blas.Left, blas.Trans, g.Rows, m, g.Cols, g.Data, g.Stride, bd.tauQ, y.Data, y.Stride, w, l)
	})
	svdLapack.Dormbr(lapack.ApplyQ, blas.Left, blas.Trans, g.Rows, m, g.Cols, g.Data, g.Stride, bd.tauQ, y.Data, y.Stride, work, len(work))
	c := blas64.General{Rows: bd.k, Cols: m, Stride: y.Stride, Data: y.Data[:(bd.k-1)*y.Stride+m]}
	if bd.uplo == blas.Lower {
		bd.makeUpper(c)
	}
	return c
}

// makeUpper turns a lower bidiagonal B into an upper one, B = G·B', by k−1
// Givens rotations from the left (as xBDSQR does), and overwrites the k×m C
// with GᵀC, so that ‖B·Z − C‖ = ‖B'·Z − GᵀC‖ for every Z.
func (bd *bidiagonal) makeUpper(c blas64.General) {
	d, e, m := bd.d, bd.e, c.Cols
	for i := 0; i < bd.k-1; i++ {
		cs, sn, r := givens.Dlartg(d[i], e[i])
		d[i], e[i], d[i+1] = r, sn*d[i+1], cs*d[i+1]
		ri, rn := c.Data[i*c.Stride:i*c.Stride+m], c.Data[(i+1)*c.Stride:(i+1)*c.Stride+m]
		for j := range ri {
			ri[j], rn[j] = cs*ri[j]+sn*rn[j], cs*rn[j]-sn*ri[j]
		}
	}
	bd.uplo = blas.Upper
}

// solveB overwrites the k×m C with B⁻¹C by back substitution on the upper
// bidiagonal B (B[i,i] = d_i, B[i,i+1] = e_i); every d_i must be non-zero.
func (bd *bidiagonal) solveB(c blas64.General) {
	svdBackSubstitute(bd.d, bd.e, c)
}

// svdBackSubstitute overwrites the k×m C with B⁻¹C for the k×k upper
// bidiagonal B with diagonal d and superdiagonal e.
func svdBackSubstitute(d, e []float64, c blas64.General) {
	k, m, ld := len(d), c.Cols, c.Stride
	for i := k - 1; i >= 0; i-- {
		ri := c.Data[i*ld : i*ld+m]
		if i < k-1 {
			next, ei := c.Data[(i+1)*ld:(i+1)*ld+m], e[i]
			for j := range ri {
				ri[j] -= ei * next[j]
			}
		}
		for j := range ri {
			ri[j] /= d[i]
		}
	}
}

// bidiagonalSVD is the SVD B = U_B·diag(σ)·V_Bᵀ of the bidiagonal B.
type bidiagonalSVD struct {
	sigma []float64      // σ, largest first
	vt    blas64.General // V_Bᵀ, k×k
}

// rotate computes the SVD of B by implicit QR, applying the left rotations to
// the k×m C (which becomes U_BᵀC) and accumulating V_Bᵀ; U_B is not formed.
// It reports whether the iteration converged.
func (bd *bidiagonal) rotate(c blas64.General) (bidiagonalSVD, bool) {
	k := bd.k
	sv := bidiagonalSVD{
		sigma: append([]float64(nil), bd.d...),
		vt:    blas64.General{Rows: k, Cols: k, Stride: k, Data: make([]float64, k*k)},
	}
	for i := 0; i < k; i++ {
		sv.vt.Data[i*k+i] = 1
	}
	e := append([]float64(nil), bd.e...)
	ok := svdLapack.Dbdsqr(bd.uplo, k, k, 0, c.Cols, sv.sigma, e, sv.vt.Data, k, nil, 1, c.Data, c.Stride, make([]float64, 4*k))
	return sv, ok
}

// combine overwrites the k×m D with V_B·D.
func (sv bidiagonalSVD) combine(d blas64.General) {
	tmp := blas64.General{Rows: d.Rows, Cols: d.Cols, Stride: d.Cols, Data: make([]float64, d.Rows*d.Cols)}
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, sv.vt, d, 0, tmp)
	for i := 0; i < d.Rows; i++ {
		copy(d.Data[i*d.Stride:i*d.Stride+d.Cols], tmp.Data[i*d.Cols:(i+1)*d.Cols])
	}
}

// applyP returns the p×m W = P·[Z; 0] (and Q₀ᵀ·… after an LQ) for the k×m Z.
func (bd *bidiagonal) applyP(z blas64.General) *mat.Dense {
	m := z.Cols
	W := mat.NewDense(bd.p, m, nil)
	w := W.RawMatrix()
	for i := 0; i < bd.k; i++ {
		copy(w.Data[i*w.Stride:i*w.Stride+m], z.Data[i*z.Stride:i*z.Stride+m])
	}
	g := bd.g
	work := svdWork(func(wk []float64, l int) {
		svdLapack.Dormbr(lapack.ApplyP, blas.Left, blas.NoTrans, g.Cols, m, g.Rows, g.Data, g.Stride, bd.tauP, w.Data, w.Stride, wk, l)
	})
	svdLapack.Dormbr(lapack.ApplyP, blas.Left, blas.NoTrans, g.Cols, m, g.Rows, g.Data, g.Stride, bd.tauP, w.Data, w.Stride, work, len(work))
	if bd.pre == 'L' {
		work := svdWork(func(wk []float64, l int) {
			svdLapack.Dormlq(blas.Left, blas.Trans, bd.p, m, bd.k, bd.x.Data, bd.x.Stride, bd.tau, w.Data, w.Stride, wk, l)
		})
		svdLapack.Dormlq(blas.Left, blas.Trans, bd.p, m, bd.k, bd.x.Data, bd.x.Stride, bd.tau, w.Data, w.Stride, work, len(work))
	}
	return W
}
