package solvers

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// GD is the "gd" solver: gradient descent on ½‖y − X·w‖₂² with a fixed step,
//
//	w_{k+1} = w_k + η·Xᵀ(y − X·w_k),  η = 1/L̂,  L̂ ≈ 1.01·σ_max(X)²,
//
// from w₀ = 0 (or WithStart(w₀)). Every step adds a vector of the row space of
// X, so from w₀ the iteration converges to X⁺y + P_null(X)·w₀, and from 0 to
// the min-norm solution X⁺y, for any n×p X, consistent or not, also
// rank-deficient. The error along the i-th singular direction falls like
// (1 − σ_i²/L̂)^k, so GD needs about κ²·ln(1/ε) steps: it is a baseline, useful
// only for small κ (the default cap covers κ up to about 25), and refuses
// (ErrNotConverged) at the threshold.
//
// # Step size
//
// σ_max² is estimated by the power iteration on XᵀX (20 to 200 steps, until
// the Rayleigh quotient changes by less than 1e-4 relatively) from a fixed
// pseudo-random start (PCG with a constant seed, so runs are reproducible).
// The step is η = 1/L̂ with L̂ = 1.01·ρ̂, ρ̂ the final Rayleigh quotient: the
// iteration converges for any η < 2/σ_max², so ρ̂ may underestimate σ_max² by
// almost a factor 2. From a random start the power method reaches ρ̂ ≥ σ_max²/2
// after 20 steps except with probability below 0.824·√p·2^(−19.5) (the
// power-method bound of Kuczyński & Woźniakowski 1992, SIAM J. Matrix Anal.
// Appl. 13(4), for a start uniform on the sphere). As a second guard, every iteration
// computes the Rayleigh quotient ‖X·g‖²/‖g‖² of its gradient g (it needs X·g
// anyway) and raises L̂ to 1.01 times any quotient above it; a direction on
// which the step would diverge grows until it dominates g, so it is seen
// before it can do harm.
//
// # Stopping rule, cap and certificate
//
// The stopping rule is LSQR's (see LSQR) with ‖X‖ = ‖X‖_F: stop when
// ‖r‖ ≤ tol·(‖X‖_F·‖w‖ + ‖y‖) or ‖Xᵀr‖ ≤ tol·‖X‖_F·‖r‖, tol = 1e-14 by
// default (WithTol). It is evaluated on the recursively updated residual,
// recomputed from scratch every 50 steps so that its rounding drift stays
// near the floating-point floor. (Confirming the rule on the true residual
// instead would make it unreachable for mildly inconsistent problems, whose
// true ‖Xᵀr‖ cannot fall below about u·‖X‖·‖y‖.) The default cap
// is 20000 + 50·min(n, p) iterations (WithMaxIter); reaching it returns
// ErrNotConverged. The answer then passes LSQR's forward-error certificate,
// with σ̂² the smallest Rayleigh quotient ‖X·g_k‖²/‖g_k‖² of the gradients:
// the gradients lie in the row space of X, so each quotient is at least
// σ_min², and late gradients align with the slowest direction, so the minimum
// approaches σ_min² from above (GD acts as a power method on I − η·XᵀX). An
// estimated relative forward error above 1e-4 is refused with
// ErrIllConditioned. Report.Cond is √(σ̂_max²/σ̂²).
//
// Options: WithTol, WithMaxIter, WithStart.
type GD struct{ cfg config }

// NewGD returns the "gd" solver.
func NewGD(opts ...Option) *GD { return &GD{cfg: newConfig(optTol|optMaxIter|optStart, opts)} }

// Name returns "gd".
func (s *GD) Name() string { return "gd" }

// Solve returns X⁺y (X⁺y + P_null(X)·w₀ WithStart(w₀)).
func (s *GD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *GD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

func (s *GD) core(t *task) (*mat.VecDense, Report, error) {
	return firstOrder(s.Name(), t, false, gdCap)
}

// residualRefresh is the number of steps between recomputations of the
// residuals y − X·w and y − X·v from scratch in firstOrder.
const residualRefresh = 50

// gdCap is the default iteration cap of "gd" and "ridge-gd".
func gdCap(n, p int) int { return 20000 + 50*min(n, p) }

// powerSeed seeds the start vector of the power iteration (any constant will do).
const powerSeed = 0x5eed

// estimateLipschitz returns the power-iteration estimate ρ̂ of σ_max(X)² of
// the GD doc comment.
func estimateLipschitz(lp *lsProblem) float64 {
	rng := rand.New(rand.NewPCG(powerSeed, uint64(lp.n)<<32|uint64(lp.p)))
	v := make([]float64, lp.p)
	for j := range v {
		v[j] = rng.NormFloat64()
	}
	Xv := make([]float64, lp.n)
	rho := 0.0
	for it := 0; it < 200; it++ {
		nv := nrm2(v)
		if nv == 0 {
			break
		}
		blas64.Scal(1/nv, vec(v))
		lp.mulX(Xv, v)
		next := blas64.Dot(vec(Xv), vec(Xv)) // vᵀXᵀXv with ‖v‖ = 1
		lp.mulXT(v, Xv)
		done := it >= 19 && math.Abs(next-rho) <= 1e-4*next
		rho = next
		if done {
			break
		}
	}
	return rho
}

// firstOrder runs gradient descent (accelerate = false) or Nesterov's
// accelerated gradient with adaptive restart (accelerate = true) on
//
//	f(w) = ½‖y − X·w‖₂² + ½λ‖w‖₂²
//
// for the scaled problem of t, from t.start or 0. It returns the point at
// which the stopping rule held, after the forward-error certificate; the
// documentation of GD and Nesterov states the rules.
func firstOrder(name string, t *task, accelerate bool, defaultCap func(n, p int) int) (*mat.VecDense, Report, error) {
	lp := newLSProblem(t)
	n, p, lambda := lp.n, lp.p, lp.lambda
	tol := t.cfg.tolOr(defaultIterTol)
	maxIter := t.cfg.maxIterOr(defaultCap(n, p))
	normA := math.Sqrt(lp.normXF*lp.normXF + lambda) // ‖[X; √λ·I]‖ as the rule uses it

	sigmaMax2 := estimateLipschitz(lp) + lambda
	L := 1.01 * sigmaMax2
	sigmaMin2 := math.Inf(1)

	// v is the point whose gradient is taken (the extrapolated point for
	// Nesterov, w itself for GD); av and aw are the residuals y − X·v and
	// y − X·w, updated recursively so that each step costs two products
	// with X (X·g and Xᵀ·a).
	w := make([]float64, p)
	if t.start != nil {
		for j := range w {
			w[j] = t.start.AtVec(j)
		}
	}
	aw := make([]float64, n)
	lp.mulX(aw, w)
	for i := range aw {
		aw[i] = lp.y[i] - aw[i]
	}
	v, av := append([]float64(nil), w...), append([]float64(nil), aw...)
	g, q := make([]float64, p), make([]float64, n)
	negGradient := func() { // g = Xᵀ·av − λ·v
		lp.mulXT(g, av)
		if lambda != 0 {
			blas64.Axpy(-lambda, vec(v), vec(g))
		}
	}
	negGradient()
	residual := func(a, x []float64) { // a = y − X·x
		lp.mulX(a, x)
		for i := range a {
			a[i] = lp.y[i] - a[i]
		}
	}
	wNew, awNew := make([]float64, p), make([]float64, n)

	momentumAge := 0 // steps since the last (re)start of the momentum
	converged := false
	itn := 0
	for ; itn < maxIter; itn++ {
		normV := nrm2(v)
		normR := math.Hypot(nrm2(av), math.Sqrt(lambda)*normV)
		normG := nrm2(g)
		if stopRule(tol, normA, lp.normY, normR, normG, normV) {
			converged = true
			break
		}
		// Curvature along g: the Rayleigh quotient of XᵀX + λI.
		lp.mulX(q, g)
		gg := normG * normG
		rq := (blas64.Dot(vec(q), vec(q)) + lambda*gg) / gg
		sigmaMin2 = math.Min(sigmaMin2, rq)
		sigmaMax2 = math.Max(sigmaMax2, rq)
		if rq > L {
			L = 1.01 * rq
		}
		eta := 1 / L
		// The gradient step from v.
		for j := range wNew {
			wNew[j] = v[j] + eta*g[j]
		}
		for i := range awNew {
			awNew[i] = av[i] - eta*q[i]
		}
		beta := 0.0
		if accelerate {
			// Gradient restart (O'Donoghue & Candès 2015, §3.2): drop the
			// momentum when it points uphill, gᵀ(w_{k+1} − w_k) < 0.
			uphill := 0.0
			for j := range wNew {
				uphill += g[j] * (wNew[j] - w[j])
			}
			if uphill < 0 {
				momentumAge = 0
			}
			beta = float64(momentumAge) / float64(momentumAge+3)
			momentumAge++
		}
		// v ← w_{k+1} + β(w_{k+1} − w_k); the residual follows by linearity.
		for j := range v {
			v[j] = wNew[j] + beta*(wNew[j]-w[j])
		}
		for i := range av {
			av[i] = awNew[i] + beta*(awNew[i]-aw[i])
		}
		w, wNew = wNew, w
		aw, awNew = awNew, aw
		if (itn+1)%residualRefresh == 0 {
			// The recursive residuals drift from the true ones by rounding,
			// about u·‖y‖ per step; recomputing them now and then bounds
			// the drift (residual replacement, van der Vorst & Ye 2000).
			residual(aw, w)
			if accelerate {
				residual(av, v)
			} else {
				copy(av, aw) // v = w for GD
			}
		}
		negGradient()
	}
	rep := Report{Iterations: itn}
	if sigmaMin2 < math.Inf(1) {
		rep.Cond = math.Sqrt(sigmaMax2 / sigmaMin2)
	}
	if !converged {
		return nil, rep, refusal(name, ErrNotConverged, "stopping rule not met after %d iterations (cap %d)", itn, maxIter)
	}
	if itn == 0 {
		// The start already meets the rule and no step was taken: take the
		// curvature along the final gradient (zero gradient: E = 0 anyway).
		if gg := blas64.Dot(vec(g), vec(g)); gg > 0 {
			lp.mulX(q, g)
			sigmaMin2 = (blas64.Dot(vec(q), vec(q)) + lambda*gg) / gg
		}
	}
	if _, err := lp.certify(name, v, sigmaMin2); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, v), rep, nil
}
