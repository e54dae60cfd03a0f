package solvers

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Sketch is the "sketch" solver: sketch-and-precondition in the manner of
// Blendenpik (Avron, Maymounkov & Toledo, SIAM J. Sci. Comput. 32(3), 2010)
// and LSRN (Meng, Saunders & Mahoney, SIAM J. Sci. Comput. 36(2), 2014), for
// strongly rectangular X: a random sketch of X gives a preconditioner that
// makes the problem well conditioned whatever κ(X) is, and LSQR (the
// package's, lsqr.go) solves the preconditioned problem in a few dozen
// iterations. It returns the minimum-norm solution
//
//	w* = X⁺y:  minimize over w: ‖y − X·w‖₂, and among those ‖w‖₂.
//
// # Method, tall X (n×p, n ≥ 10·p)
//
//  1. Sketch: B = S·X, s×p with s = 4p + 8 rows, where S is an s×n sparse
//     sign embedding: each column of S has ζ = min(8, s) non-zero entries
//     ±1/√ζ in distinct random rows (Meng & Mahoney, STOC 2013; ζ = 8 is
//     the choice Martinsson & Tropp recommend, Acta Numerica 29, 2020).
//     Forming B costs 2ζ·n·p flops, against 2s·n·p for a Gaussian S.
//
//  2. Factor the small B by a complete orthogonal decomposition, as the "cod"
//     solver does: B·P = Q·R with column pivoting, the rank r from the
//     diagonal of R (the cut-off of "cod" and "svd", |R_ii| > ε·max(n, p)·|R₁₁|),
//     and when r < p an LQ step [R₁₁ R₁₂] = [L 0]·Z. The preconditioner is
//     the p×r matrix
//
//     N = P·Zᵀ·[L⁻¹; 0]   (N = P·R⁻¹ when r = p),   so that   S·X·N = Q₁,
//
//     with Q₁ the first r columns of Q: orthonormal. This is LSRN's
//     N = V·Σ⁻¹ with the SVD of B replaced by the cheaper COD; what matters
//     is the same two facts. (a) S·(X·N) has orthonormal columns, so the
//     singular values of X·N are the reciprocals of those of S on the range
//     of X·N, which a subspace embedding keeps near 1: κ(X·N) = O(1) for any
//     κ(X). (b) range(N) = row space of B ⊆ row space of X, with equality
//     when the sketch preserves the rank (r = rank X), so w = N·z stays in
//     the row space and the min-norm z* of min‖X·N·z − y‖ gives
//     N·z* = X⁺y: writing X = U_r·Σ_r·V_rᵀ and N = V_r·K with K r×r
//     invertible, (X·N)⁺ = K⁻¹·Σ_r⁻¹·U_rᵀ and N·(X·N)⁺·y = V_r·Σ_r⁻¹·U_rᵀ·y.
//     A plain QR preconditioner R⁻¹ exists only when B has full column
//     rank; the COD (like LSRN's SVD) also handles rank-deficient X.
//
//  3. LSQR on the n×r matrix A = X·N, then w = N·z.
//
// # Method, wide X (p ≥ 10·n)
//
// The same steps on Xᵀ, preconditioning from the left as LSRN does for
// under-determined problems: B = S·Xᵀ (s×n, s = 4n + 8, S sparse sign s×p),
// its COD gives the n×r matrix M = P·Zᵀ·[L⁻¹; 0] with S·Xᵀ·M orthonormal,
// and LSQR solves min‖w‖ subject to the r×p system (Mᵀ·X)·w = Mᵀ·y. Its
// matrix has full row rank r and κ = O(1), and its min-norm solution is X⁺y
// directly (no back-transformation): with X = U_r·Σ_r·V_rᵀ and
// M = U_r·K, Mᵀ·X = Kᵀ·Σ_r·V_rᵀ and (Mᵀ·X)⁺·Mᵀ·y = V_r·Σ_r⁻¹·U_rᵀ·y.
//
// # Near the threshold (0.1 < γ = p/n < 10)
//
// There the sketch would be nearly as large as X and gain nothing; "sketch"
// hands such problems to the "cod" solver unchanged (Report.Iterations = 0,
// Report.Rank from "cod"). The sketch path is used for γ ≤ 0.1 and γ ≥ 10.
//
// # The A = X·N product, and iterative refinement
//
// LSQR runs on A as an operator (precondOp): each product applies the dense
// k×r N and X in turn, X·(N·z) and Nᵀ·(Xᵀ·u), which adds 2·k·r flops to
// the 2·n·p of X's product (2% at k = 1000, n = 50000) and saves forming A,
// n·p² flops by a triangular solve (r = p) or 2·n·p·r by a product, and
// an array the size of X. Either way the products round with an error of
// relative size about u·κ(X) (N's entries are as large as 1/σ_min(S·X); see
// sketchPrecond.apply). Formed, A is one fixed matrix and LSQR converges on
// it as on any other; through the operator each product errs differently,
// and once that error passes the tolerance LSQR slows down: on a planted
// tall 20000×500 problem with κ = 10⁶ the first run took 76 iterations
// instead of 42, and two more runs followed, against one run of 42 on the
// formed A. So a tall X with u·‖S·X‖_F·β_N > 10⁻¹² (sketchOperatorLimit;
// ‖S·X‖_F·β_N ≥ κ(X) up to the sketch's distortion) gets A formed once;
// the wide planted 500×20000 problem at κ = 10⁶ needed no more than its 42
// iterations through the operator, so wide X always uses it. (The price of
// the formed A on that tall problem: one run instead of three, 1.4 s CPU
// instead of 2.0, but a relative error of 2.3·10⁻⁹ instead of 2.1·10⁻¹²,
// within the contract's tol·κ.) A is also formed for the sharpened
// certificate below. The first answer w₁ is forward-accurate (error about
// κ·u) but its residual y − X·w₁ can be κ times larger than a
// backward-stable one (Meier, Nakatsukasa, Townsend & Webb, "Are
// sketch-and-precondition least squares solvers numerically stable?", SIAM
// J. Matrix Anal. Appl., 2024). "sketch" therefore refines (Epperly, Meier &
// Nakatsukasa, "Fast randomized least-squares solvers can be just as
// accurate and stable as classical direct solvers", 2024): with the true
// residual r_k = y − X·w_k it solves the same preconditioned problem for r_k
// and adds the correction, at most three times, until
//
//   - w_k passes the certificate below and r_k meets LSQR's stopping rule
//     (lsqr.go) with the true residual, ‖X‖_F and 16·tol (a run that met the
//     rule on A meets it on X within a factor of about κ(A)), or
//   - ‖Xᵀr_k‖ reaches the rounding level of its own computation,
//     u·‖X‖_F·(‖X‖_F·‖w‖ + ‖y‖ + ‖r‖), where a correction cannot help.
//
// Every run uses the tolerance tol (WithTol, default 1e-14 as for "lsqr"),
// relative to its own right-hand side r_k. (The looser tol·‖y‖/‖r_k‖, which
// asks a correction for the same absolute accuracy as the first run, saves
// 24 of 131 iterations on a planted 20000×500 problem at κ = 10⁶, but
// leaves a consistent wide 50×2000 one at κ = 10¹⁰ refused by the
// certificate, E = 6·10⁻⁴.) On well-conditioned problems one run suffices;
// at κ = 10⁶ to 10¹⁰ two or three.
//
// # Forward-error certificate
//
// The answer passes the certificate shared with the iterative solvers
// (lsqr.go) on the original X: E = min(‖r‖/(σ̂·‖w‖), ‖Xᵀr‖/(σ̂²·‖w‖)),
// refused above 10⁻⁴. Here σ̂ is not an estimate but a bound: for v = N·a in
// range(N),
//
//	‖X·v‖ ≥ ‖S·X·N·a‖/‖S‖₂ = ‖a‖/‖S‖₂ ≥ ‖v‖/(‖S‖₂·‖N‖₂),
//
// so σ̂ = 1/(β_S·β_N) with the computable upper bounds
// β_S = (max_i Σ_k |(S·Sᵀ)_ik|)^½ ≥ ‖S‖₂ and β_N = min(‖N‖_F, (‖N‖₁‖N‖_∞)^½)
// ≥ ‖N‖₂ is a lower bound on the smallest singular value of X on range(N),
// the row space of X when the rank is kept (likewise for Xᵀ on range(M) in
// the wide case). These cost nothing but lose a factor up to about
// √(n/s)·√r in σ̂ (‖S‖₂ ≈ √(n/s) on all of ℝⁿ, against about 1 + √(r/s) on
// the range of X). When they fail the certificate, the sharper
//
//	σ̂ = (σ_lo(fl(A)) − ‖fl(A) − A‖₂)/β_N,
//
// with σ_lo a lower bound on the smallest singular value of the computed A
// from the eigenvalues of its r×r Gram matrix (gramSigmaMin) and the rounding
// bound of sketchPrecond.apply, is tried once (m·r² more flops). Up to
// rounding in computing r and Xᵀr, E is then a bound on the error, not an
// estimate as in "lsqr"; the price is refusals a little earlier: consistent
// planted 2000×50 problems are answered at κ = 10¹⁰ and refused at 10¹³,
// inconsistent ones answered at κ = 10⁴ and refused at 10⁸. (Each LSQR run
// also certifies its own answer on the preconditioned problem, with LSQR's
// estimate.)
//
// # Contract
//
// The answer is refused (ErrNotConverged when an LSQR run reaches its cap,
// WithMaxIter, default 4·r + 20 for each run; ErrIllConditioned by the
// certificate), or its relative error is about that of LSQR on a
// well-conditioned problem carried back through N,
//
//	‖w − w*‖/‖w*‖ ≲ tol·κ·(c₁ + c₂·‖r*‖/(‖X‖₂‖w*‖)) + c·u·(κ + κ²·‖r*‖/(‖X‖₂‖w*‖)),
//
// κ = κ₂(X) and c₁, c₂ = O(κ(X·N)²) = O(1): no κ² in the tolerance term,
// unlike plain LSQR. The iteration count depends on κ(X·N), set by the
// oversampling s/r ≈ 4 (LSQR's error falls roughly like (r/s)^(k/2)), not on
// κ(X). Report.Iterations sums the LSQR iterations of all runs,
// Report.Rank = r; Report.Cond is 0 (no estimate of κ(X) is made).
//
// The sketch is drawn from math/rand/v2's PCG seeded with WithSeed (default
// 1): the same seed and input give bit-identical output. Options: WithTol,
// WithMaxIter, WithSeed.
type Sketch struct {
	cfg    config
	always bool // use the sketch path at every shape (tests)
}

// NewSketch returns the "sketch" solver.
func NewSketch(opts ...Option) *Sketch {
	return &Sketch{cfg: newConfig(optTol|optMaxIter|optSeed, opts)}
}

// Name returns "sketch".
func (s *Sketch) Name() string { return "sketch" }

// Solve returns X⁺y.
func (s *Sketch) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *Sketch) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

const (
	// sketchDefaultSeed is the seed used without WithSeed.
	sketchDefaultSeed = 1
	// sketchStream is the second PCG word, fixed.
	sketchStream = 0x5ce7c4a11d5eed
	// sketchZeta is the number of non-zeros per column of S.
	sketchZeta = 8
	// sketchMaxRuns bounds the LSQR runs: one solve and up to three corrections.
	sketchMaxRuns = 4
	// sketchOperatorLimit is the largest u·‖S·X‖_F·β_N (about u·κ(X)·k, the
	// relative rounding error of a product with the operator X·N) with which
	// a tall X is solved through the operator; above it A = X·N is formed.
	sketchOperatorLimit = 1e-12
	// sketchFloor is c·u in the rounding level c·u·‖X‖_F·(‖X‖_F‖w‖ + ‖y‖ + ‖r‖)
	// of the computed Xᵀ(y − X·w), below which a correction cannot help.
	// c = 1: ‖X‖_F over-states ‖X‖₂ (by up to √rank), and a needless
	// correction costs one run (at most sketchMaxRuns in all), a missed one
	// a refusal.
	sketchFloor = 0x1p-53
	// sketchSlack widens LSQR's rule on X: a run that met the rule on X·N at
	// tol meets it on X within a factor of about κ(X·N) (about 3 at s ≈ 4r);
	// refinement is for the residual inflated by rounding in A, up to κ(X)
	// times larger, not for that factor.
	sketchSlack = 16
)

// sketchRows returns the number of rows s of the sketch for k columns.
//
// The oversampling s/k ≈ 4 is Blendenpik's (Avron et al. 2010, §4). The
// singular values of S restricted to a k-dimensional subspace lie roughly in
// 1 ± √(k/s) (as for a Gaussian S; Martinsson & Tropp 2020, §8–9), so
// κ(X·N) ≈ (1 + √(k/s))/(1 − √(k/s)): about 5.8 at s = 2k and 3 at s = 4k,
// and LSQR's error falls by (κ − 1)/(κ + 1) per step, 0.71 against 0.5.
// Measured: 74 LSQR iterations at s = 2k and 42 at s = 4k (Gaussian
// 20000×500, tol 1e-14). Each iteration reads X twice while the extra rows
// cost only the COD of a larger s×k sketch (O(s·k²), against n·k per
// iteration), and forming S·X costs 2ζ·n·k flops whatever s is.
func sketchRows(k int) int { return 4*k + 8 }

func (s *Sketch) core(t *task) (*mat.VecDense, Report, error) {
	n, p := t.X.Dims()
	if !s.always && 10*p > n && 10*n > p {
		return (&COD{}).core(t) // near the threshold: see the doc comment
	}
	name := s.Name()
	tall := n >= p
	m, k := n, p // X is m×k when tall; Xᵀ is when wide
	if !tall {
		m, k = p, n
	}
	seed := uint64(sketchDefaultSeed)
	if t.cfg.set&optSeed != 0 {
		seed = t.cfg.seed
	}
	S := newSparseSign(rand.New(rand.NewPCG(seed, sketchStream)), sketchRows(k), m)
	B := S.sketch(t.X.RawMatrix(), tall)
	normB := frobNorm(B.RawMatrix())
	pc := sketchPreconditioner(B, svdDefaultRCond(n, p))
	N, r, normN := pc.N, pc.r, pc.normN
	rep := Report{Rank: r}
	if r == 0 {
		return nil, rep, refusal(name, ErrIllConditioned, "the sketch of X is zero")
	}
	// σ̂², the lower bound on σ_min² of the certificate: the cheap one first,
	// the sharper one (gramSigmaMin) computed once, when the cheap one fails.
	sigma2 := math.Pow(1/(S.norm2Bound()*normN), 2)
	sharpened := false

	A := newPrecondOp(t.X.RawMatrix(), N.RawMatrix(), tall)
	ar, ac := A.dims()
	// The preconditioned problem of the LSQR runs: the operator, or, for an
	// ill-conditioned tall X, A formed once (see the doc comment).
	lpA := lsProblem{op: A, alpha: 1, n: ar, p: ac}
	var (
		Af      *mat.Dense
		prodErr float64
	)
	if tall && 0x1p-53*normB*normN > sketchOperatorLimit {
		Af, prodErr = pc.apply(t.X, tall)
		lpA = lsProblem{X: Af.RawMatrix(), alpha: 1, n: ar, p: ac}
	}
	tol := t.cfg.tolOr(defaultIterTol)
	maxIter := t.cfg.maxIterOr(krylovCap(ar, ac))

	lp := newLSProblem(t)
	Nr := N.RawMatrix()
	w := make([]float64, p)
	// res and g are y − X·w and Xᵀ·res for the current w (w₀ = 0), for
	// the refinement test and the certificate.
	res := append([]float64(nil), lp.y...)
	g := make([]float64, p)
	lp.mulXT(g, res)
	rhs := make([]float64, ar)
	delta := make([]float64, p)
	certify := func() error {
		_, err := lp.certifyResidual(name, w, res, g, sigma2)
		if err == nil || sharpened {
			return err
		}
		sharpened = true
		if Af == nil {
			Af, prodErr = pc.apply(t.X, tall)
		}
		lo := gramSigmaMin(Af, tall) - prodErr
		if lo <= 0 || lo*lo/(normN*normN) <= sigma2 {
			return err
		}
		sigma2 = lo * lo / (normN * normN)
		_, err = lp.certifyResidual(name, w, res, g, sigma2)
		return err
	}
	for run := 0; run < sketchMaxRuns; run++ {
		// The right-hand side of the preconditioned problem: r_k or Nᵀ·r_k.
		if tall {
			copy(rhs, res)
		} else {
			blas64.Gemv(blas.Trans, 1, Nr, vec(res), 0, vec(rhs))
		}
		if nrm2(rhs) == 0 {
			break // nothing left to correct
		}
		lpRun := lpA
		lpRun.y = rhs
		z, irep, err := lsqrRun(name, &lpRun, tol, maxIter)
		rep.Iterations += irep.Iterations
		if err != nil {
			if run > 0 && errors.Is(err, ErrIllConditioned) {
				break // the correction is lost in rounding: keep w
			}
			return nil, rep, err
		}
		zr := z.RawVector().Data
		if tall {
			blas64.Gemv(blas.NoTrans, 1, Nr, vec(zr), 0, vec(delta))
		} else {
			copy(delta, zr)
		}
		blas64.Axpy(1, vec(delta), vec(w))

		// The true residual and gradient decide whether to refine.
		lp.mulX(res, w)
		for i := range res {
			res[i] = lp.y[i] - res[i]
		}
		lp.mulXT(g, res)
		normR, normW, normG := nrm2(res), nrm2(w), nrm2(g)
		floor := sketchFloor * lp.normXF * (lp.normXF*normW + lp.normY + normR)
		if normG <= floor {
			break // rounding level: a correction cannot help
		}
		if certify() == nil && stopRule(sketchSlack*tol, lp.normXF, lp.normY, normR, normG, normW) {
			break
		}
	}
	if err := certify(); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, w), rep, nil
}

// precondOp is the preconditioned matrix A = X·N (tall: X is n×k, A n×r) or
// A = Nᵀ·X (wide: X is k×p, A r×p) as an operator for lsqrRun: each product
// applies N and X in turn, 2·k·r + 2·n·p flops, instead of forming A
// (n·k² flops and one more array the size of X).
type precondOp struct {
	X, N blas64.General // N is k×r
	tall bool
	work []float64 // length k
}

func newPrecondOp(X, N blas64.General, tall bool) *precondOp {
	return &precondOp{X: X, N: N, tall: tall, work: make([]float64, N.Rows)}
}

// dims returns the dimensions of A.
func (a *precondOp) dims() (rows, cols int) {
	if a.tall {
		return a.X.Rows, a.N.Cols
	}
	return a.N.Cols, a.X.Cols
}

// mulVec sets dst = A·x + beta·dst (trans: Aᵀ·x + beta·dst):
//
//	tall: A·z = X·(N·z),  Aᵀ·u = Nᵀ·(Xᵀ·u);   wide: A·z = Nᵀ·(X·z),  Aᵀ·u = Xᵀ·(N·u).
func (a *precondOp) mulVec(trans bool, x []float64, beta float64, dst []float64) {
	if a.tall != trans { // N first: tall X·(N·z), wide Xᵀ·(N·u)
		blas64.Gemv(blas.NoTrans, 1, a.N, vec(x), 0, vec(a.work))
		blas64.Gemv(transIf(!a.tall), 1, a.X, vec(a.work), beta, vec(dst))
		return
	}
	// X first: tall Nᵀ·(Xᵀ·u), wide Nᵀ·(X·z).
	blas64.Gemv(transIf(a.tall), 1, a.X, vec(x), 0, vec(a.work))
	blas64.Gemv(blas.Trans, 1, a.N, vec(a.work), beta, vec(dst))
}

func transIf(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// sparseSign is an s×m sparse sign embedding: column j has ζ non-zeros
// sign[j·ζ+l] in the distinct rows row[j·ζ+l], l < ζ. With s ≥ m it is the
// m×m identity instead (no sketch: X itself is factored).
type sparseSign struct {
	s, m, zeta int
	row        []int32
	sign       []float64
	identity   bool
}

// newSparseSign draws an s×m sparse sign embedding from rng.
func newSparseSign(rng *rand.Rand, s, m int) *sparseSign {
	if s >= m {
		return &sparseSign{s: m, m: m, identity: true}
	}
	zeta := min(sketchZeta, s)
	S := &sparseSign{s: s, m: m, zeta: zeta, row: make([]int32, m*zeta), sign: make([]float64, m*zeta)}
	v := 1 / math.Sqrt(float64(zeta))
	for j := 0; j < m; j++ {
		rows := S.row[j*zeta : (j+1)*zeta]
		for l := range rows {
		draw: // distinct rows: rejection, ζ ≤ 8 ≪ s mostly
			for {
				c := int32(rng.IntN(s))
				for _, prev := range rows[:l] {
					if prev == c {
						continue draw
					}
				}
				rows[l] = c
				break
			}
			S.sign[j*zeta+l] = v
			if rng.Uint64()&1 == 1 {
				S.sign[j*zeta+l] = -v
			}
		}
	}
	return S
}

// sketch returns the s×k matrix S·X (tall: X is m×k) or S·Xᵀ (wide: X is k×m).
func (S *sparseSign) sketch(X blas64.General, tall bool) *mat.Dense {
	if tall {
		k := X.Cols
		B := mat.NewDense(S.s, k, nil)
		if S.identity {
			B.Copy(denseOf(X))
			return B
		}
		Bd := B.RawMatrix().Data
		for i := 0; i < S.m; i++ { // column i of S times row i of X
			xi := vec(X.Data[i*X.Stride : i*X.Stride+k])
			for l := 0; l < S.zeta; l++ {
				c := int(S.row[i*S.zeta+l])
				blas64.Axpy(S.sign[i*S.zeta+l], xi, vec(Bd[c*k:(c+1)*k]))
			}
		}
		return B
	}
	// Wide: build (S·Xᵀ)ᵀ = X·Sᵀ (k×s) row by row, then transpose.
	k := X.Rows
	if S.identity {
		B := mat.NewDense(S.s, k, nil)
		B.Copy(denseOf(X).T())
		return B
	}
	// Four rows of X at a time share each column's ζ rows and signs; every
	// entry of Bt sums the same products in the same order as one row at a
	// time would.
	Bt := make([]float64, k*S.s)
	zeta, s, m := S.zeta, S.s, S.m
	row := func(i int) []float64 { return X.Data[i*X.Stride : i*X.Stride+m] }
	i := 0
	for ; i+4 <= k; i += 4 {
		x0, x1, x2, x3 := row(i), row(i+1), row(i+2), row(i+3)
		b0, b1, b2, b3 := Bt[i*s:(i+1)*s], Bt[(i+1)*s:(i+2)*s], Bt[(i+2)*s:(i+3)*s], Bt[(i+3)*s:(i+4)*s]
		for j := range m {
			rows := S.row[j*zeta : (j+1)*zeta]
			signs := S.sign[j*zeta : (j+1)*zeta]
			signs = signs[:len(rows)]
			v0, v1, v2, v3 := x0[j], x1[j], x2[j], x3[j]
			for l, c := range rows {
				sg := signs[l]
				b0[c] += sg * v0
				b1[c] += sg * v1
				b2[c] += sg * v2
				b3[c] += sg * v3
			}
		}
	}
	for ; i < k; i++ {
		xi, bi := row(i), Bt[i*s:(i+1)*s]
		for j, x := range xi {
			rows := S.row[j*zeta : (j+1)*zeta]
			signs := S.sign[j*zeta : (j+1)*zeta]
			signs = signs[:len(rows)]
			for l, c := range rows {
				bi[c] += signs[l] * x
			}
		}
	}
	B := mat.NewDense(S.s, k, nil)
	B.Copy(mat.NewDense(k, S.s, Bt).T())
	return B
}

func denseOf(X blas64.General) *mat.Dense {
	var d mat.Dense
	d.SetRawMatrix(X)
	return &d
}

// norm2Bound returns β_S = (max_i Σ_k |(S·Sᵀ)_ik|)^½ ≥ ‖S‖₂ (the ∞-norm bounds
// the spectral norm of the symmetric S·Sᵀ), computed row by row in m·ζ²
// operations and O(s + m·ζ) memory.
func (S *sparseSign) norm2Bound() float64 {
	if S.identity {
		return 1
	}
	// The entries of each row of S: CSR by counting.
	start := make([]int, S.s+1)
	for _, c := range S.row {
		start[c+1]++
	}
	for i := 0; i < S.s; i++ {
		start[i+1] += start[i]
	}
	next := append([]int(nil), start[:S.s]...)
	entry := make([]int, len(S.row)) // index into row/sign, grouped by row
	for e, c := range S.row {
		entry[next[c]] = e
		next[c]++
	}
	acc := make([]float64, S.s)
	touched := make([]int32, 0, 64)
	best := 0.0
	for i := 0; i < S.s; i++ {
		for _, e := range entry[start[i]:start[i+1]] {
			j := e / S.zeta
			for l := 0; l < S.zeta; l++ {
				c := S.row[j*S.zeta+l]
				if acc[c] == 0 {
					touched = append(touched, c)
				}
				acc[c] += S.sign[e] * S.sign[j*S.zeta+l]
			}
		}
		sum := 0.0
		for _, c := range touched {
			sum += math.Abs(acc[c])
			acc[c] = 0
		}
		touched = touched[:0]
		best = math.Max(best, sum)
	}
	return math.Sqrt(best)
}

// sketchPrecond is the preconditioner built from the sketch B.
type sketchPrecond struct {
	N     *mat.Dense // k×r, N = P·Zᵀ·[L⁻¹; 0], B·N orthonormal
	r     int        // the numerical rank of B
	normN float64    // β_N = min(‖N‖_F, (‖N‖₁‖N‖_∞)^½) ≥ ‖N‖₂
	// When r = k, N = P·R⁻¹ with R upper triangular (in B's storage) and
	// the permutation jpvt: products with N are triangular solves.
	R    blas64.Triangular
	jpvt []int
}

// sketchPreconditioner returns the preconditioner of the complete
// orthogonal decomposition of the s×k sketch B (overwritten: it holds R),
// with the rank r at the relative cut-off rcond on |R_ii|; r = 0 when B = 0.
func sketchPreconditioner(B *mat.Dense, rcond float64) sketchPrecond {
	A := B.RawMatrix()
	s, k := A.Rows, A.Cols
	kk := min(s, k)
	jpvt := make([]int, k)
	for j := range jpvt {
		jpvt[j] = -1
	}
	tauQ := make([]float64, kk)
	tauZ := make([]float64, kk)
	query := []float64{0}
	lwork := 3*k + 1
	lapack64.Geqp3(A, jpvt, tauQ, query, -1)
	lwork = max(lwork, int(query[0]))
	lapack64.Gelqf(A, tauZ, query, -1)
	lwork = max(lwork, int(query[0]))
	work := make([]float64, lwork)
	lapack64.Geqp3(A, jpvt, tauQ, work, lwork)

	r := codRank(A, kk, rcond)
	if r == 0 {
		return sketchPrecond{}
	}
	T := blas64.General{Rows: r, Cols: k, Stride: A.Stride, Data: A.Data[:(r-1)*A.Stride+k]}
	tri := blas64.Triangular{N: r, Stride: A.Stride, Data: T.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
	if r < k {
		for i := 1; i < r; i++ {
			clear(T.Data[i*T.Stride : i*T.Stride+i])
		}
		lapack64.Gelqf(T, tauZ[:r], work, lwork)
		tri.Uplo = blas.Lower
	}
	// The top r×r block of N: tri⁻¹, by solving tri·X = I.
	N := mat.NewDense(k, r, nil)
	Nr := N.RawMatrix()
	for i := 0; i < r; i++ {
		Nr.Data[i*Nr.Stride+i] = 1
	}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, tri, blas64.General{Rows: r, Cols: r, Stride: Nr.Stride, Data: Nr.Data})
	if r < k {
		lwork = max(lwork, r)
		if len(work) < lwork {
			work = make([]float64, lwork)
		}
		lapack64.Ormlq(blas.Left, blas.Trans, T, tauZ[:r], Nr, query, -1)
		if need := int(query[0]); need > len(work) {
			work = make([]float64, need)
		}
		lapack64.Ormlq(blas.Left, blas.Trans, T, tauZ[:r], Nr, work, len(work))
	}
	lapack64.Lapmr(false, Nr, jpvt)
	pc := sketchPrecond{N: N, r: r, jpvt: jpvt}
	pc.normN = math.Min(mat.Norm(N, 2), math.Sqrt(mat.Norm(N, 1)*mat.Norm(N, math.Inf(1))))
	if r == k {
		pc.R = tri
	}
	return pc
}

// apply forms the preconditioned matrix A = X·N (n×r, tall) or Nᵀ·X (r×p,
// wide) and returns it with a bound on ‖fl(A) − A‖₂, the rounding of the
// product over its inner dimension k (γ_k = k·u/(1 − k·u); Higham, Accuracy
// and Stability of Numerical Algorithms, 2nd ed., §3.5 and Thm. 8.5):
//
//	one matrix product:                 γ_k·‖X‖_F·‖N‖_F;
//	r = k, (X·P)·R⁻¹ or R⁻ᵀ·(Pᵀ·X) by a triangular solve, each row (column)
//	exact for R + ΔR with |ΔR| ≤ γ_k·|R|:   γ_k·‖fl(A)‖_F·‖R‖_F·β_N,
//
// the latter costing half the flops of the former.
func (pc *sketchPrecond) apply(X *mat.Dense, tall bool) (*mat.Dense, float64) {
	k, _ := pc.N.Dims()
	fk := float64(k) * 0x1p-53
	gamma := fk / (1 - fk)
	if pc.R.N == 0 {
		var A mat.Dense
		if tall {
			A.Mul(X, pc.N)
		} else {
			A.Mul(pc.N.T(), X)
		}
		return &A, gamma * mat.Norm(X, 2) * mat.Norm(pc.N, 2)
	}
	n, p := X.Dims()
	Xr := X.RawMatrix()
	A := mat.NewDense(n, p, nil)
	Ar := A.RawMatrix()
	if tall { // A = (X·P)·R⁻¹: column j of X·P is column jpvt[j] of X
		for i := 0; i < n; i++ {
			xi, ai := Xr.Data[i*Xr.Stride:i*Xr.Stride+p], Ar.Data[i*Ar.Stride:i*Ar.Stride+p]
			for j, c := range pc.jpvt {
				ai[j] = xi[c]
			}
		}
		blas64.Trsm(blas.Right, blas.NoTrans, 1, pc.R, Ar)
	} else { // A = R⁻ᵀ·(Pᵀ·X): row j of Pᵀ·X is row jpvt[j] of X
		for j, c := range pc.jpvt {
			copy(Ar.Data[j*Ar.Stride:j*Ar.Stride+p], Xr.Data[c*Xr.Stride:c*Xr.Stride+p])
		}
		blas64.Trsm(blas.Left, blas.Trans, 1, pc.R, Ar)
	}
	normR := 0.0
	for i := 0; i < pc.R.N; i++ {
		row := pc.R.Data[i*pc.R.Stride+i : i*pc.R.Stride+pc.R.N]
		normR = math.Hypot(normR, nrm2(row))
	}
	return A, gamma * mat.Norm(A, 2) * normR * pc.normN
}

// gramSigmaMin returns a lower bound on the smallest singular value of the
// computed A (n×r when tall, r×p when wide, of rank r), from the smallest
// eigenvalue λ̂ of its r×r Gram matrix G = fl(AᵀA) (or fl(A·Aᵀ)):
//
//	σ_min(A)² ≥ λ̂ − 4r·u·‖G‖_F − γ_m·‖A‖_F²,   γ_m = m·u/(1 − m·u),
//
// the second term for the backward-stable symmetric eigensolver (Weyl), the
// third for the rounding of the product over m = n or p terms (Higham,
// Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.5). It costs
// m·r² + O(r³) flops, as much as forming A, so it is computed only when the
// cheap bound 1/(β_S·β_N) fails the certificate. It returns 0 when the bound
// is not positive.
func gramSigmaMin(A *mat.Dense, tall bool) float64 {
	var G mat.SymDense
	var m int
	if tall {
		G.SymOuterK(1, A.T())
		m, _ = A.Dims()
	} else {
		G.SymOuterK(1, A)
		_, m = A.Dims()
	}
	r := G.SymmetricDim()
	var eig mat.EigenSym
	if !eig.Factorize(&G, false) {
		return 0
	}
	lam := eig.Values(nil)[0] // ascending
	fm := float64(m) * 0x1p-53
	normA := mat.Norm(A, 2)
	lo := lam - 4*float64(r)*0x1p-53*mat.Norm(&G, 2) - fm/(1-fm)*normA*normA
	if !(lo > 0) {
		return 0
	}
	return math.Sqrt(lo)
}
