package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/fastblas"
)

// LSQR is the "lsqr" solver: the LSQR method of Paige & Saunders (1982), a
// Krylov method built on Golub–Kahan bidiagonalization of X that is
// mathematically equivalent to conjugate gradients on the normal equations
// but numerically more reliable. From w₀ = 0 its iterates stay in the row
// space of X, so it converges to the minimum-norm solution
//
//	w* = X⁺y:  minimize over w: ‖y − X·w‖₂, and among those ‖w‖₂,
//
// for any n×p X (tall, wide, square, rank-deficient, consistent or not).
//
// # Stopping rule, shared by the iterative solvers
//
// With tol the relative tolerance (WithTol; default 1e-14), ‖X‖ LSQR's
// running estimate of ‖X‖_F (the Frobenius norm of the bidiagonal built so
// far) and r = y − X·w, LSQR stops as soon as either
//
//	‖r‖ ≤ tol·(‖X‖·‖w‖ + ‖y‖)     (a compatible system: w solves X·w ≈ y)
//	‖Xᵀr‖ ≤ tol·‖X‖·‖r‖           (a least-squares solution)
//
// holds, evaluated on the cheap recurrences of the paper (§5: atol = btol =
// tol, no conlim). The iteration cap (WithMaxIter) defaults to
// 4·min(n, p) + 20: in exact arithmetic LSQR ends within rank(X) ≤ min(n, p)
// steps; in floating point it needs about (κ/2)·ln(2/ε) steps, and about
// 1.9·p at n = p = 1000 (issue 5), so the cap leaves room for the loss of
// orthogonality without letting a stalled run go on. Reaching the cap returns
// an error wrapping ErrNotConverged.
//
// # Why tol = 1e-14, and not scipy's 1e-6 or even 1e-10
//
// When either test holds with the true residual, and w lies in the row space
// of X (as every iterate from 0 does), the forward error obeys
//
//	‖w − w*‖ ≤ ‖r‖/σ_min ≲ 2·tol·κ_F·‖w‖             (first test)
//	‖w − w*‖ ≤ ‖Xᵀr‖/σ_min² ≤ tol·κ_F·κ·‖r‖/‖X‖₂     (second test)
//
// with σ_min the smallest non-zero singular value of X, κ = ‖X‖₂/σ_min and
// κ_F = ‖X‖_F/σ_min ≤ √rank·κ. These bounds are attained: a part of y of
// relative size below tol along a singular direction with σ_i = ‖X‖/κ is
// simply never resolved, and it carries a part of w* of relative size up to
// tol·κ. No estimate the iteration makes can see it (the Krylov space sees
// that direction only through that tiny part of y), so only a small tol
// protects against it. At the interpolation threshold κ runs into the
// thousands (median κ ≈ 3.67·n for square Gaussian X, Edelman 1988): scipy's
// 1e-6 leaves errors of order one there (scikit-learn's lsqr Ridge is 56% off,
// issue 5). With 1e-10 a consistent problem with κ = 10¹² could still be
// answered with a w wrong in every digit. With 1e-14 the bound tol·κ stays
// below 10⁻² up to κ = 10¹² (consistent) and tol·κ² below 10⁻² up to κ = 10⁶
// (inconsistent), the ranges in which even a backward-stable direct method
// keeps a correct digit (κ·u, κ²·u ≤ 10⁻⁴); and 1e-14 ≈ 90·u is still above
// the relative rounding error of the computed stopping quantities (about
// √m·u for m ≤ 10⁴), so the rule can be met. The price is about
// ln(10¹⁴)/ln(10¹⁰) ≈ 1.4 times the iterations of tol = 1e-10 on a
// well-conditioned problem, less at the threshold where loss of
// orthogonality dominates.
//
// # Forward-error certificate, shared by the iterative solvers
//
// A small residual is no proof of a small error when κ is large, so after the
// stopping rule holds every iterative solver recomputes the true residual
// r = y − X·w and g = Xᵀr − λw (λ = 0 for min-norm) and bounds the relative
// forward error by
//
//	E = min( ‖r̄‖/(σ̂·‖w‖), ‖g‖/(σ̂²·‖w‖) ),   ‖r̄‖² = ‖r‖² + λ‖w‖²,
//
// where σ̂² is the solver's own estimate of the smallest eigenvalue of
// XᵀX + λI on the row space of X (for LSQR σ̂² = 1/‖D_k‖_F², the "ddnorm" of
// Paige & Saunders, whose ‖D_k‖_F = ‖R_k⁻¹‖_F ≥ 1/σ_min(R_k)). Both bounds are
// exact inequalities when σ̂ ≤ σ_min; Krylov and power-type estimates of σ_min
// approach it from above, so E is an estimate, not a proof. If E > 1e-4 the
// solver returns an error wrapping ErrIllConditioned instead of the vector.
//
// The resulting contract, for every iterative solver of the package: an
// answer is either refused (ErrNotConverged at the cap, ErrIllConditioned by
// the certificate) or it has an estimated relative forward error E ≤ 1e-4
// and, in terms of the true κ, an error of order
//
//	‖w − w*‖/‖w*‖ ≲ tol·κ_F·(2 + κ·‖r*‖/(‖X‖₂‖w*‖)) + c·u·(κ + κ²·‖r*‖/(‖X‖₂‖w*‖)),
//
// the second term being the floating-point floor (the recurrences and the
// recursive residuals of the solvers drift by rounding; c is a modest
// constant). For the gradient methods started at w₀, w* is X⁺y + P_null(X)·w₀.
//
// Report.Iterations is the number of bidiagonalization steps, Report.Cond is
// Paige & Saunders' estimate ‖X‖_F·‖R_k⁻¹‖_F of cond_F(X) (an upper bound on
// the κ₂ seen so far up to a factor √k). Options: WithTol, WithMaxIter.
type LSQR struct{ cfg config }

// NewLSQR returns the "lsqr" solver.
func NewLSQR(opts ...Option) *LSQR { return &LSQR{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "lsqr".
func (s *LSQR) Name() string { return "lsqr" }

// Solve returns X⁺y.
func (s *LSQR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *LSQR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *LSQR) core(t *task) (*mat.VecDense, Report, error) {
	return dampedLSQR(s.Name(), t)
}

// Defaults shared by the iterative solvers; see the LSQR doc comment.
const (
	// defaultIterTol is the default relative tolerance of the stopping rule.
	defaultIterTol = 1e-14
	// maxForwardError is the largest estimated relative forward error with
	// which an iterative solver still returns its vector.
	maxForwardError = 1e-4
)

// krylovCap is the default iteration cap of LSQR, LSMR and CGLS.
func krylovCap(n, p int) int { return 4*min(n, p) + 20 }

// lsProblem is the scaled problem of a task seen through BLAS: the n×p X, y,
// and the ridge penalty λ (0 for min-norm). When op is set the matrix is op,
// an operator that is never formed, and X, normXF are unused (LSQR needs
// neither; sketch.go's preconditioned X·N is one).
type lsProblem struct {
	X      blas64.General
	alpha  float64 // the scaled X is alpha·X (a power of two; see gramX)
	op     lsOperator
	y      []float64
	n, p   int
	lambda float64
	normXF float64   // ‖X‖_F
	normY  float64   // ‖y‖
	s      []float64 // golubKahanStep's Xᵀw (length p), allocated on first use
}

func newLSProblem(t *task) *lsProblem {
	g := t.gram()
	n, p := g.x.Rows, g.x.Cols
	y := make([]float64, n)
	for i := range y {
		y[i] = t.y.AtVec(i)
	}
	return &lsProblem{
		X: g.x, alpha: g.alpha, y: y, n: n, p: p, lambda: t.lambda,
		// ‖alpha·X‖_F = alpha·‖X‖_F exactly: alpha² is a power of four.
		normXF: g.alpha * frobNorm(g.x),
		normY:  nrm2(y),
	}
}

// golubKahanStep continues the Golub–Kahan bidiagonalization of X (Paige &
// Saunders 1982, §3), shared by LSQR and LSMR:
//
//	β_{i+1}u_{i+1} = X·v_i − α_i·u_i,  α_{i+1}v_{i+1} = Xᵀu_{i+1} − β_{i+1}·v_i.
//
// It overwrites u and v with u_{i+1} and v_{i+1} and returns β_{i+1} and
// α_{i+1}. With an explicit X (no operator) and the project's BLAS it takes
// both products in one pass over X (fastblas.GemvPair: w = X·v_i − α_i·u_i,
// s = Xᵀw, each block of rows of X used twice while in cache), and then
// u_{i+1} = w/β_{i+1}, α_{i+1}v_{i+1} = s/β_{i+1} − β_{i+1}·v_i, which is
// the same recurrence with Xᵀ(w/β) computed as (Xᵀw)/β: at 2000×2000 the
// step's products take 0.95 ms instead of 1.3–1.6 (BenchmarkGemvPair).
// Otherwise each right-hand side is one Dgemv with beta = −α_i (−β_{i+1}).
// No workspace is needed beyond s, allocated once per solve by the caller's
// first step.
func (lp *lsProblem) golubKahanStep(u, v []float64, alpha float64) (beta, alphaNext float64) {
	if lp.op == nil && fusedGolubKahan() {
		if lp.s == nil {
			lp.s = make([]float64, lp.p)
		}
		fastblas.GemvPair(lp.n, lp.p, lp.alpha, lp.X.Data, lp.X.Stride, v, -alpha, u, lp.s)
		beta = nrm2(u)
		if beta > 0 {
			blas64.Scal(1/beta, vec(u))
			for j, sj := range lp.s {
				v[j] = sj/beta - beta*v[j]
			}
		} else {
			copy(v, lp.s) // Xᵀ·0
		}
	} else {
		lp.mulAdd(false, v, -alpha, u)
		beta = nrm2(u)
		if beta > 0 {
			blas64.Scal(1/beta, vec(u))
		}
		lp.mulAdd(true, u, -beta, v)
	}
	alphaNext = nrm2(v)
	if alphaNext > 0 {
		blas64.Scal(1/alphaNext, vec(v))
	}
	return beta, alphaNext
}

// fusedGolubKahan reports whether golubKahanStep uses fastblas.GemvPair:
// with the project's BLAS installed (pure Go, or the openblas build, whose
// Dgemv is fastblas's too), not under LSTSQ_BLAS=gonum, which asks for
// gonum's own BLAS throughout.
func fusedGolubKahan() bool { return Backend() != "gonum" }

// lsOperator is an n×p matrix A known by its products.
type lsOperator interface {
	// mulVec sets dst = A·x + beta·dst, or Aᵀ·x + beta·dst when trans;
	// with beta = 0 the input dst is not read.
	mulVec(trans bool, x []float64, beta float64, dst []float64)
}

// mulAdd sets dst = X·x + beta·dst, or Xᵀ·x + beta·dst when trans (X is
// op when set); with beta = 0 the input dst is not read.
func (lp *lsProblem) mulAdd(trans bool, x []float64, beta float64, dst []float64) {
	if lp.op != nil {
		lp.op.mulVec(trans, x, beta, dst)
		return
	}
	tA := blas.NoTrans
	if trans {
		tA = blas.Trans
	}
	blas64.Gemv(tA, lp.alpha, lp.X, vec(x), beta, vec(dst))
}

// mulX sets dst = X·v.
func (lp *lsProblem) mulX(dst, v []float64) { lp.mulAdd(false, v, 0, dst) }

// mulXT sets dst = Xᵀ·u.
func (lp *lsProblem) mulXT(dst, u []float64) { lp.mulAdd(true, u, 0, dst) }

// stopRule is the stopping rule of the LSQR doc comment.
func stopRule(tol, normX, normY, normR, normXTr, normW float64) bool {
	return normR <= tol*(normX*normW+normY) || normXTr <= tol*normX*normR
}

// certify applies the forward-error certificate of the LSQR doc comment to
// the point w, given σ̂², the solver's estimate of the smallest eigenvalue of
// XᵀX + λI on the row space of X. It returns the estimate E, and an error
// wrapping ErrIllConditioned when E exceeds maxForwardError.
func (lp *lsProblem) certify(name string, w []float64, sigmaMin2 float64) (float64, error) {
	r := make([]float64, lp.n)
	lp.mulX(r, w)
	for i := range r {
		r[i] = lp.y[i] - r[i]
	}
	g := make([]float64, lp.p)
	lp.mulXT(g, r)
	if lp.lambda != 0 {
		blas64.Axpy(-lp.lambda, vec(w), vec(g))
	}
	return lp.certifyResidual(name, w, r, g, sigmaMin2)
}

// certifyResidual is certify with r = y − X·w and g = Xᵀr − λw already
// computed.
func (lp *lsProblem) certifyResidual(name string, w, r, g []float64, sigmaMin2 float64) (float64, error) {
	normW := nrm2(w)
	normR := math.Hypot(nrm2(r), math.Sqrt(lp.lambda)*normW)
	normG := nrm2(g)
	var E float64
	switch {
	case normG == 0:
		E = 0 // w satisfies the (penalised) normal equations exactly
	case normW == 0 || !(sigmaMin2 > 0):
		E = math.Inf(1)
	default:
		E = math.Min(normR/(math.Sqrt(sigmaMin2)*normW), normG/(sigmaMin2*normW))
	}
	if !(E <= maxForwardError) {
		return E, refusal(name, ErrIllConditioned,
			"estimated relative forward error %.2g exceeds %g (‖y−Xw‖ = %.3g, ‖Xᵀ(y−Xw)−λw‖ = %.3g, σ̂_min² = %.3g, ‖w‖ = %.3g, scaled X)",
			E, maxForwardError, normR, normG, sigmaMin2, normW)
	}
	return E, nil
}

// dampedLSQR runs LSQR (Paige & Saunders 1982, §4 and §5, with the damping of
// §2) on the scaled problem of t with damp = √λ, that is on
//
//	minimize over w: ‖[X; √λ·I]·w − [y; 0]‖₂,
//
// which for λ > 0 is ridge regression and for λ = 0 plain min-norm LSQR.
func dampedLSQR(name string, t *task) (*mat.VecDense, Report, error) {
	lp := newLSProblem(t)
	return lsqrRun(name, lp, t.cfg.tolOr(defaultIterTol), t.cfg.maxIterOr(krylovCap(lp.n, lp.p)))
}

// lsqrRun is dampedLSQR on lp, with the tolerance tol and at most maxIter
// iterations.
func lsqrRun(name string, lp *lsProblem, tol float64, maxIter int) (*mat.VecDense, Report, error) {
	p := lp.p
	damp := math.Sqrt(lp.lambda)
	damp2 := lp.lambda

	x := make([]float64, p)
	// Golub–Kahan start: β₁u₁ = y, α₁v₁ = Xᵀu₁.
	u := append([]float64(nil), lp.y...)
	beta := nrm2(u)
	blas64.Scal(1/beta, vec(u)) // y ≠ 0: the pipeline returned early otherwise
	v := make([]float64, p)
	lp.mulXT(v, u)
	alpha := nrm2(v)
	if alpha == 0 {
		// Xᵀy = 0: w = 0 satisfies the (penalised) normal equations.
		return mat.NewVecDense(p, x), Report{}, nil
	}
	blas64.Scal(1/alpha, vec(v))
	d := append([]float64(nil), v...) // the search direction (w_i in the paper)

	normY := beta
	phiBar, rhoBar := beta, alpha
	var normX2, ddNorm, res2 float64 // ‖B_k‖_F², ‖D_k‖_F², damped residual part
	converged := false
	itn := 0
	for itn < maxIter {
		itn++
		alphaPrev := alpha
		beta, alpha = lp.golubKahanStep(u, v, alpha)
		normX2 += alphaPrev*alphaPrev + beta*beta + damp2

		// Eliminate the damping row (a plane rotation; identity when λ = 0).
		rhoBar1 := math.Hypot(rhoBar, damp)
		c1, s1 := rhoBar/rhoBar1, damp/rhoBar1
		psi := s1 * phiBar
		phiBar *= c1

		// The rotation that keeps the bidiagonal's QR factor upper bidiagonal.
		rho := math.Hypot(rhoBar1, beta)
		if rho == 0 {
			break // no direction left: the previous step met the rule
		}
		c, s := rhoBar1/rho, beta/rho
		theta := s * alpha
		rhoBar = -c * alpha
		phi := c * phiBar
		phiBar = s * phiBar
		tau := s * phi

		// Update the solution and the search direction.
		blas64.Axpy(phi/rho, vec(d), vec(x))
		dn := nrm2(d) / rho
		ddNorm += dn * dn
		dStep := theta / rho // once, not once per entry
		for j, f := range d {
			d[j] = v[j] - dStep*f
		}

		// The paper's cheap estimates of ‖r̄‖, ‖Āᵀr̄‖ and ‖Ā‖_F.
		res2 += psi * psi
		normR := math.Sqrt(phiBar*phiBar + res2)
		normXTr := alpha * math.Abs(tau)
		if stopRule(tol, math.Sqrt(normX2), normY, normR, normXTr, nrm2(x)) {
			converged = true
			break
		}
	}
	rep := Report{Iterations: itn, Cond: math.Sqrt(normX2 * ddNorm)}
	if !converged {
		return nil, rep, refusal(name, ErrNotConverged, "stopping rule not met after %d iterations (cap %d)", itn, maxIter)
	}
	if _, err := lp.certify(name, x, 1/ddNorm); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, x), rep, nil
}

func vec(s []float64) blas64.Vector { return blas64.Vector{N: len(s), Inc: 1, Data: s} }

// frobNorm returns ‖X‖_F like nrm2 (whose proof holds for any order of the
// sum): the plain sum of squares, row by row, with mat.Norm's scaled sum as
// the fallback.
func frobNorm(X blas64.General) float64 {
	sum := 0.0
	for i := 0; i < X.Rows; i++ {
		row := vec(X.Data[i*X.Stride : i*X.Stride+X.Cols])
		sum += blas64.Dot(row, row)
	}
	if sum >= nrm2Floor && sum <= math.MaxFloat64 {
		return math.Sqrt(sum)
	}
	return mat.Norm(denseOf(X), 2) // the Frobenius norm of the matrix
}

// nrm2Floor is the smallest sum of squares nrm2 trusts; see nrm2.
const nrm2Floor = 0x1p-900

// nrm2 returns the Euclidean norm ‖s‖₂. It takes the square root of the
// plain sum of squares Σ = Σ s_i² (blas64.Dot(s, s), one fast pass), and
// falls back to blas64.Nrm2, whose scaled update (LAPACK's Dnrm2) never
// overflows or underflows but costs a division per entry, only when Σ
// cannot be trusted. Proof that the fast path is as accurate as Dnrm2
// (relative error ≤ γ_m = m·u/(1 − m·u), m = len(s), u = 2⁻⁵³):
//
//   - Overflow: the terms are non-negative, so once a square or partial sum
//     overflows the sum stays +Inf (or NaN with a NaN entry). A finite Σ̂
//     thus had no overflow; +Inf and NaN go to the fallback.
//   - Underflow: a square or sum in the normal range is rounded with relative
//     error ≤ u; one below 2⁻¹⁰²² (gradual underflow) with absolute error ≤
//     2⁻¹⁰⁷⁵, half the smallest subnormal. So
//     |Σ̂ − Σ| ≤ γ_m·Σ + 2m·2⁻¹⁰⁷⁵ (Higham, Accuracy and Stability of
//     Numerical Algorithms, 2nd ed., §4.2, non-negative terms, any order),
//     and for Σ̂ ≥ nrm2Floor = 2⁻⁹⁰⁰ the second term is below
//     m·2⁻¹⁷⁴·u·Σ: negligible for any m < 2¹⁷⁴. Smaller sums go to the
//     fallback.
//
// sqrt halves the relative error. Correctness thus does not depend on the
// scale of s; speed does, and the fallback is rare: the pipeline scales X and
// y to a largest entry in [½, 1) (scaleCopy), the Golub–Kahan vectors u, v
// are unit vectors, and a Σ outside [2⁻⁹⁰⁰, 2¹⁰²⁴) would need an iterate or
// search direction of norm below 2⁻⁴⁵⁰ or above 2⁵¹², far beyond any κ a
// float64 solve can answer.
func nrm2(s []float64) float64 {
	sum := blas64.Dot(vec(s), vec(s))
	if sum >= nrm2Floor && sum <= math.MaxFloat64 {
		return math.Sqrt(sum)
	}
	return blas64.Nrm2(vec(s))
}
