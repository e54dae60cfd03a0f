package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// LSMR is the "lsmr" solver: the LSMR method of Fong & Saunders (2011, SIAM
// J. Sci. Comput. 33(5), "LSMR: An iterative algorithm for sparse
// least-squares problems"). Like LSQR it runs Golub–Kahan bidiagonalization of
// X, but it minimises ‖Xᵀr_k‖ over the Krylov space instead of ‖r_k‖, so
// ‖Xᵀr_k‖ decreases monotonically and the least-squares stopping test can
// be trusted earlier. From w₀ = 0 the iterates lie in the row space of X and
// converge to X⁺y for any n×p X.
//
// The stopping rule is LSQR's (see LSQR) on the paper's estimates (§3.3 for
// ‖r_k‖, ‖Xᵀr_k‖ = |ζ̄_{k+1}|, and ‖X‖ ≈ ‖B_k‖_F): stop when
// ‖r‖ ≤ tol·(‖X‖·‖w‖ + ‖y‖) or ‖Xᵀr‖ ≤ tol·‖X‖·‖r‖, tol = 1e-14 by default
// (WithTol). The default cap is 4·min(n, p) + 20 iterations (WithMaxIter), as
// for LSQR; reaching it returns ErrNotConverged (scipy's LSMR stops at its
// cap with a 59% error at n = p = 1000 and reports it only through a flag,
// issue 5).
//
// The answer then passes LSQR's forward-error certificate with
// σ̂² = 1/‖W̄_k‖_F, where w_k = w_{k−1} + ζ_k·w̄_k (w̄_k = h̄_k/(ρ_k·ρ̄_k)) and
// the singular values of W̄_k are 1/σ_i(B_k)², so that
// σ̂² = (Σ σ_i(B_k)⁻⁴)^(−1/2) ≤ σ_min(B_k)², the LSMR analogue of LSQR's
// ‖D_k‖_F (checked numerically: at convergence σ̂² matches (Σ σ_i(X)⁻⁴)^(−1/2)
// to 5 digits on planted problems). An estimated relative forward error above
// 1e-4 is refused with ErrIllConditioned. Report.Cond is ‖B_k‖_F/σ̂, the
// analogue of LSQR's ‖B_k‖_F·‖R_k⁻¹‖_F: at least cond(B_k), and at most about
// √k·κ_F (loss of orthogonality repeats converged singular values in B_k). (The paper's max ρ̄_j/min ρ̄_j, §5.3, is a lower bound that
// proved useless at the threshold: 2.5 for a 1000×1000 Gaussian X.)
//
// Options: WithTol, WithMaxIter.
type LSMR struct{ cfg config }

// NewLSMR returns the "lsmr" solver.
func NewLSMR(opts ...Option) *LSMR { return &LSMR{cfg: newConfig(optTol|optMaxIter, opts)} }

// Name returns "lsmr".
func (s *LSMR) Name() string { return "lsmr" }

// Solve returns X⁺y.
func (s *LSMR) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *LSMR) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// core follows Algorithm LSMR of Fong & Saunders (2011, §2.3) without
// damping, with the residual-norm recurrences of §3.3; the variable names
// spell the paper's symbols.
func (s *LSMR) core(t *task) (*mat.VecDense, Report, error) {
	lp := newLSProblem(t)
	n, p := lp.n, lp.p
	tol := t.cfg.tolOr(defaultIterTol)
	maxIter := t.cfg.maxIterOr(krylovCap(n, p))

	x := make([]float64, p)
	// β₁u₁ = y, α₁v₁ = Xᵀu₁.
	u := append([]float64(nil), lp.y...)
	beta := nrm2(u)
	blas64.Scal(1/beta, vec(u))
	v := make([]float64, p)
	lp.mulXT(v, u)
	alpha := nrm2(v)
	if alpha == 0 {
		return mat.NewVecDense(p, x), Report{}, nil // Xᵀy = 0: w = 0
	}
	blas64.Scal(1/alpha, vec(v))
	normY := beta

	// The two QR factorizations (§2.2).
	alphaBar := alpha
	zetaBar := alpha * beta
	rho, rhoBar := 1.0, 1.0
	cBar, sBar := 1.0, 0.0
	h := append([]float64(nil), v...)
	hBar := make([]float64, p)
	// The ‖r_k‖ recurrences (§3.3).
	betaDd := beta // β̈
	betaDot := 0.0 // β̇
	rhoDotOld := 1.0
	tauTildeOld := 0.0
	thetaTilde := 0.0
	zeta := 0.0
	// ‖B_k‖_F² and ‖W̄_k‖_F².
	normB2 := alpha * alpha
	wBarNorm2 := 0.0

	converged := false
	itn := 0
	for itn < maxIter {
		itn++
		// Continue the bidiagonalization.
		beta, alpha = lp.golubKahanStep(u, v, alpha)

		// The rotation P_k on the lower bidiagonal B_k.
		rhoOld := rho
		rho = math.Hypot(alphaBar, beta)
		if rho == 0 {
			break // nothing left to rotate: the previous step met the rule
		}
		c, s := alphaBar/rho, beta/rho
		thetaNew := s * alpha
		alphaBar = c * alpha

		// The rotation P̄_k on R_kᵀ.
		rhoBarOld := rhoBar
		zetaOld := zeta
		thetaBar := sBar * rho
		rhoTemp := cBar * rho
		rhoBar = math.Hypot(rhoTemp, thetaNew)
		cBar, sBar = rhoTemp/rhoBar, thetaNew/rhoBar
		zeta = cBar * zetaBar
		zetaBar = -sBar * zetaBar

		// Update h̄, w and h.
		// The scalars once, not once per entry.
		hScale := thetaBar * rho / (rhoOld * rhoBarOld)
		for j, f := range hBar {
			hBar[j] = h[j] - hScale*f
		}
		step := zeta / (rho * rhoBar)
		blas64.Axpy(step, vec(hBar), vec(x))
		wb := nrm2(hBar) / (rho * rhoBar)
		wBarNorm2 += wb * wb
		hStep := thetaNew / rho
		for j, f := range h {
			h[j] = v[j] - hStep*f
		}

		// Estimate ‖r_k‖ (§3.3).
		betaHat := c * betaDd
		betaDd = -s * betaDd
		thetaTildeOld := thetaTilde
		rhoTildeOld := math.Hypot(rhoDotOld, thetaBar)
		cTildeOld, sTildeOld := rhoDotOld/rhoTildeOld, thetaBar/rhoTildeOld
		thetaTilde = sTildeOld * rhoBar
		rhoDotOld = cTildeOld * rhoBar
		betaDot = -sTildeOld*betaDot + cTildeOld*betaHat
		tauTildeOld = (zetaOld - thetaTildeOld*tauTildeOld) / rhoTildeOld
		tauDot := (zeta - thetaTilde*tauTildeOld) / rhoDotOld
		normR := math.Hypot(betaDot-tauDot, betaDd)

		// Estimate ‖B_k‖_F (§5.3).
		normB2 += beta * beta
		normB := math.Sqrt(normB2)
		normB2 += alpha * alpha

		if stopRule(tol, normB, normY, normR, math.Abs(zetaBar), nrm2(x)) {
			converged = true
			break
		}
	}
	rep := Report{Iterations: itn}
	if wBarNorm2 > 0 {
		rep.Cond = math.Sqrt(normB2) * math.Sqrt(math.Sqrt(wBarNorm2))
	}
	if !converged {
		return nil, rep, refusal(s.Name(), ErrNotConverged, "stopping rule not met after %d iterations (cap %d)", itn, maxIter)
	}
	if _, err := lp.certify(s.Name(), x, 1/math.Sqrt(wBarNorm2)); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, x), rep, nil
}
