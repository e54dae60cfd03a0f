package sweep

import "math"

// MPCondLimit returns the Marchenko–Pastur (Bai–Yin) limit of the condition
// number of an n×p matrix of iid mean-0 variance-1 entries as n, p → ∞ with
// p/n → γ:
//
//	σ_max/√n → 1 + √γ,  σ_min/√n → |1 − √γ|,  κ → (1 + √γ)/|1 − √γ|,
//
// which is +Inf at γ = 1 (Bai & Yin 1993; Marchenko & Pastur 1967). It
// returns NaN for γ ≤ 0 or NaN.
func MPCondLimit(gamma float64) float64 {
	if !(gamma > 0) {
		return math.NaN()
	}
	s := math.Sqrt(gamma)
	return (1 + s) / math.Abs(1-s)
}

// MinNormRiskExact returns the exact expected estimation risk E‖ŵ − β‖² of the
// minimum-norm least-squares estimator ŵ = X⁺y for an n×p design with iid
// N(0, 1) entries, y = Xβ + ε, ε ~ N(0, σ²I), ‖β‖² = r² (Belkin, Hsu & Xu 2019,
// "Two models of double descent for weak features", Theorem 1):
//
//	p ≤ n − 2:  σ²·p/(n − p − 1)
//	p ≥ n + 2:  r²·(1 − n/p) + σ²·n/(p − n − 1)
//
// and +Inf for n − 1 ≤ p ≤ n + 1, where the expectation diverges. It returns
// NaN when n or p is not positive.
func MinNormRiskExact(n, p int, sigma2, r2 float64) float64 {
	if n <= 0 || p <= 0 {
		return math.NaN()
	}
	fn, fp := float64(n), float64(p)
	switch {
	case p <= n-2:
		return sigma2 * fp / (fn - fp - 1)
	case p >= n+2:
		return r2*(1-fn/fp) + sigma2*fn/(fp-fn-1)
	}
	return math.Inf(1)
}

// MinNormRiskAsymptotic returns the limit of MinNormRiskExact as n, p → ∞ with
// p/n → γ (Hastie, Montanari, Rosset & Tibshirani 2019, "Surprises in
// high-dimensional ridgeless least squares interpolation"):
//
//	γ < 1:  σ²·γ/(1 − γ)
//	γ > 1:  r²·(1 − 1/γ) + σ²/(γ − 1)
//
// and +Inf at γ = 1. It returns NaN for γ ≤ 0 or NaN.
func MinNormRiskAsymptotic(gamma, sigma2, r2 float64) float64 {
	switch {
	case !(gamma > 0):
		return math.NaN()
	case gamma < 1:
		return sigma2 * gamma / (1 - gamma)
	case gamma > 1:
		return r2*(1-1/gamma) + sigma2/(gamma-1)
	}
	return math.Inf(1)
}

// MPStieltjes returns the Stieltjes transform m(z) = ∫ dμ(s)/(s − z) of the
// Marchenko–Pastur law of the spectrum of XᵀX/n (X n×p, iid unit-variance
// entries, γ = p/n) at z = −λ, λ > 0:
//
//	m(−λ) = [−(1 − γ + λ) + √((1 − γ + λ)² + 4γλ)] / (2γλ).
//
// When a = 1 − γ + λ > 0 the numerator cancels, so the equal form
// 2/(a + √(a² + 4γλ)) is used instead. It returns NaN for γ ≤ 0 or λ ≤ 0.
func MPStieltjes(gamma, lambda float64) float64 {
	if !(gamma > 0) || !(lambda > 0) {
		return math.NaN()
	}
	a := 1 - gamma + lambda
	d := math.Sqrt(a*a + 4*gamma*lambda)
	if a > 0 {
		return 2 / (a + d)
	}
	return (d - a) / (2 * gamma * lambda)
}

// OptimalRidgeLambda returns the optimal ridge penalty for isotropic features
// in the unnormalised convention argmin ‖Xw − y‖² + λ‖w‖² used by the solvers
// package: λ_opt = p·σ²/r² (Dobriban & Wager 2018, "High-dimensional
// asymptotics of prediction: ridge regression and classification"; their
// normalised λ* = σ²γ/r² times n).
func OptimalRidgeLambda(p int, sigma2, r2 float64) float64 {
	return float64(p) * sigma2 / r2
}

// OptimalRidgeRiskAsymptotic returns the limiting estimation risk
// E‖ŵ − β‖² of optimally tuned ridge on isotropic Gaussian features as
// p/n → γ (Dobriban & Wager 2018, Theorem 2.1; Nakkiran, Venkat, Kakade &
// Ma 2021, "Optimal regularization can mitigate double descent"):
//
//	λ* = σ²γ/r²,  R* = σ²·γ·m(−λ*),
//
// with m the Marchenko–Pastur Stieltjes transform (MPStieltjes). At γ = 1 and
// r² = σ² = 1 this is (√5 − 1)/2. It returns NaN for γ ≤ 0, σ² ≤ 0 or r² ≤ 0.
func OptimalRidgeRiskAsymptotic(gamma, sigma2, r2 float64) float64 {
	if !(gamma > 0) || !(sigma2 > 0) || !(r2 > 0) {
		return math.NaN()
	}
	return sigma2 * gamma * MPStieltjes(gamma, sigma2*gamma/r2)
}
