package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// CGLS is the "cgls" solver: the conjugate gradient method applied to the
// normal equations XᵀX·w = Xᵀy without forming XᵀX, in the Hestenes–Stiefel
// form that updates the residual r = y − X·w rather than Xᵀr (Björck 1996,
// "Numerical Methods for Least Squares Problems", §7.4.1):
//
//	r₀ = y, s₀ = Xᵀr₀, d₀ = s₀, γ₀ = ‖s₀‖²;
//	q = X·d_k, α_k = γ_k/‖q‖², w_{k+1} = w_k + α_k·d_k, r_{k+1} = r_k − α_k·q,
//	s_{k+1} = Xᵀr_{k+1}, γ_{k+1} = ‖s_{k+1}‖², d_{k+1} = s_{k+1} + (γ_{k+1}/γ_k)·d_k.
//
// From w₀ = 0 every iterate lies in the Krylov space of XᵀX and Xᵀy, inside
// the row space of X, so CGLS converges to the minimum-norm solution X⁺y for
// any n×p X. It is mathematically equivalent to LSQR and somewhat less
// robust in floating point when κ is large (Paige & Saunders 1982, §7).
//
// The stopping rule is LSQR's (see LSQR) with ‖X‖ = ‖X‖_F: stop when
// ‖r‖ ≤ tol·(‖X‖_F·‖w‖ + ‖y‖) or ‖Xᵀr‖ ≤ tol·‖X‖_F·‖r‖, with tol = 1e-14 by
// default (WithTol), tested on the recursively updated r. The default cap
// is 4·min(n, p) + 20 iterations (WithMaxIter); reaching it returns
// ErrNotConverged. The answer then passes LSQR's forward-error certificate
// with σ̂² the smallest Ritz value of XᵀX from the Lanczos tridiagonal that the
// CG coefficients define (Golub & Van Loan 2013, §11.3.5:
// T_jj = 1/α_j + β_{j−1}/α_{j−1}, T_{j,j+1} = √β_j/α_j with β_j = γ_{j+1}/γ_j);
// Ritz values lie in [σ_min², σ_max²] and approach σ_min² from above. An
// estimated relative forward error above 1e-4 is refused with
// ErrIllConditioned. Report.Cond is √(θ_max/θ_min) from the same Ritz values.
//
// Options: WithTol, WithMaxIter.
type CGLS struct{ cfg config }

// NewCGLS returns the "cgls" solver.
func NewCGLS(opts ...Option) *CGLS { return &CGLS{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "cgls".
func (s *CGLS) Name() string { return "cgls" }

// Solve returns X⁺y.
func (s *CGLS) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *CGLS) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *CGLS) core(t *task) (*mat.VecDense, Report, error) {
	lp := newLSProblem(t)
	n, p := lp.n, lp.p
	tol := t.cfg.tolOr(defaultIterTol)
	maxIter := t.cfg.maxIterOr(krylovCap(n, p))

	x := make([]float64, p)
	r := append([]float64(nil), lp.y...)
	sv := make([]float64, p)
	lp.mulXT(sv, r)
	gamma := blas64.Dot(vec(sv), vec(sv))
	if gamma == 0 {
		// Xᵀy = 0: w = 0 satisfies the normal equations exactly.
		return mat.NewVecDense(p, x), Report{}, nil
	}
	d := append([]float64(nil), sv...)
	q := make([]float64, n)
	var alphas, betas []float64 // the CG coefficients, for the Ritz values
	converged := false
	itn := 0
	for itn < maxIter {
		lp.mulX(q, d)
		qq := blas64.Dot(vec(q), vec(q))
		if qq == 0 {
			break // d ≠ 0 in the row space has X·d ≠ 0: a breakdown
		}
		itn++
		alpha := gamma / qq
		blas64.Axpy(alpha, vec(d), vec(x))
		blas64.Axpy(-alpha, vec(q), vec(r))
		lp.mulXT(sv, r)
		gammaOld := gamma
		gamma = blas64.Dot(vec(sv), vec(sv))
		// The rule on the recursive r, as in CGLS's usual form: the true
		// ‖Xᵀr‖ cannot fall below about u·‖X‖·‖y‖, so a rule on the true
		// residual would be out of reach for mildly inconsistent problems,
		// and going on past it lets CG chase rounding noise along the
		// near-null directions of a numerically rank-deficient X.
		converged = stopRule(tol, lp.normXF, lp.normY, nrm2(r), math.Sqrt(gamma), nrm2(x))
		beta := gamma / gammaOld
		alphas = append(alphas, alpha)
		betas = append(betas, beta)
		if converged {
			break
		}
		for j := range d {
			d[j] = sv[j] + beta*d[j]
		}
	}
	rep := Report{Iterations: itn}
	thetaMin, thetaMax := cgRitzRange(alphas, betas)
	if thetaMin > 0 {
		rep.Cond = math.Sqrt(thetaMax / thetaMin)
	}
	if !converged {
		return nil, rep, refusal(s.Name(), ErrNotConverged, "stopping rule not met after %d iterations (cap %d)", itn, maxIter)
	}
	if _, err := lp.certify(s.Name(), x, thetaMin); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, x), rep, nil
}

// cgRitzRange returns the smallest and largest eigenvalue of the k×k Lanczos
// tridiagonal T_k defined by k CG steps with coefficients α_j, β_j (see the
// CGLS doc comment), found by bisection on Sturm counts.
func cgRitzRange(alphas, betas []float64) (lo, hi float64) {
	k := len(alphas)
	if k == 0 {
		return 0, 0
	}
	diag := make([]float64, k)
	off2 := make([]float64, k) // off2[j] = T_{j−1,j}², off2[0] unused
	for j := 0; j < k; j++ {
		diag[j] = 1 / alphas[j]
		if j > 0 {
			diag[j] += betas[j-1] / alphas[j-1]
			off2[j] = betas[j-1] / (alphas[j-1] * alphas[j-1])
		}
	}
	// Gershgorin bounds enclose every eigenvalue.
	gl, gu := math.Inf(1), math.Inf(-1)
	for j := 0; j < k; j++ {
		rad := 0.0
		if j > 0 {
			rad += math.Sqrt(off2[j])
		}
		if j+1 < k {
			rad += math.Sqrt(off2[j+1])
		}
		gl = math.Min(gl, diag[j]-rad)
		gu = math.Max(gu, diag[j]+rad)
	}
	gl = math.Max(gl, 0) // T_k is positive definite
	// below returns the number of eigenvalues less than x (Sturm count of
	// the LDLᵀ pivots of T_k − x·I).
	below := func(x float64) int {
		count := 0
		piv := 1.0
		for j := 0; j < k; j++ {
			if j == 0 {
				piv = diag[0] - x
			} else {
				piv = diag[j] - x - off2[j]/piv
			}
			if piv == 0 {
				piv = -1e-300 // step off the pole; an infinite next pivot still counts right
			}
			if piv < 0 {
				count++
			}
		}
		return count
	}
	bisect := func(atLeast int) float64 { // the atLeast-th smallest eigenvalue
		a, b := gl, gu
		for it := 0; it < 200 && b-a > 1e-15*b; it++ {
			m := a + (b-a)/2
			if below(m) >= atLeast {
				b = m
			} else {
				a = m
			}
		}
		return b
	}
	return bisect(1), bisect(k)
}
