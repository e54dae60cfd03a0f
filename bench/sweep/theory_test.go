package sweep

import (
	"math"
	"testing"
)

// within reports whether got rounds to want at the precision want was
// printed with: |got − want| ≤ half a unit in the last printed place.
func within(got, want, halfULP float64) bool { return math.Abs(got-want) <= halfULP*(1+1e-12) }

func TestMPCondLimit(t *testing.T) {
	// Hand-derived: γ = 1/4 gives (1 + ½)/(1 − ½) = 3; γ = 4 gives 3/1 = 3.
	for _, g := range []float64{0.25, 4} {
		if got := MPCondLimit(g); math.Abs(got-3) > 1e-15 {
			t.Errorf("MPCondLimit(%v) = %v, want 3", g, got)
		}
	}
	// theory.md: σ_max/√n → 1.707, σ_min/√n → 0.293 at γ = 0.5.
	if got, want := MPCondLimit(0.5), 1.70711/0.29289; math.Abs(got-want) > 1e-3 {
		t.Errorf("MPCondLimit(0.5) = %v, want %v", got, want)
	}
	if got := MPCondLimit(1); !math.IsInf(got, 1) {
		t.Errorf("MPCondLimit(1) = %v, want +Inf", got)
	}
	for _, g := range []float64{0, -1, math.NaN()} {
		if got := MPCondLimit(g); !math.IsNaN(got) {
			t.Errorf("MPCondLimit(%v) = %v, want NaN", g, got)
		}
	}
}

func TestMinNormRiskExact(t *testing.T) {
	// theory.md, Belkin–Hsu–Xu 2019 Theorem 1 at n = 200, σ² = r² = 1:
	// γ = 0.5 → 100/99, γ = 2 → 1/2 + 200/199, γ = 4 → 3/4 + 200/599
	// (printed there as 1.010, 1.505, 1.084).
	cases := []struct {
		n, p        int
		sigma2, r2  float64
		want, print float64
	}{
		{200, 100, 1, 1, 100.0 / 99, 1.010},
		{200, 400, 1, 1, 0.5 + 200.0/199, 1.505},
		{200, 800, 1, 1, 0.75 + 200.0/599, 1.084},
		{200, 198, 1, 1, 198, 198},           // p = n − 2: σ²p/1
		{200, 202, 1, 1, 2.0/202 + 200, 200}, // p = n + 2: r²·2/202 + σ²·200/1
		{10, 2, 3, 5, 3 * 2.0 / 7, 6.0 / 7},  // σ² scales the variance only
		{10, 20, 3, 5, 5*0.5 + 3*10.0/9, 0},  // r² scales the bias only
	}
	for _, c := range cases {
		got := MinNormRiskExact(c.n, c.p, c.sigma2, c.r2)
		if math.Abs(got-c.want) > 1e-13*c.want {
			t.Errorf("MinNormRiskExact(%d, %d, %v, %v) = %v, want %v", c.n, c.p, c.sigma2, c.r2, got, c.want)
		}
		if c.print != 0 && c.print < 100 && !within(got, c.print, 0.0005) {
			t.Errorf("MinNormRiskExact(%d, %d) = %.4f, theory.md prints %v", c.n, c.p, got, c.print)
		}
	}
	for _, p := range []int{199, 200, 201} {
		if got := MinNormRiskExact(200, p, 1, 1); !math.IsInf(got, 1) {
			t.Errorf("MinNormRiskExact(200, %d) = %v, want +Inf", p, got)
		}
	}
	if got := MinNormRiskExact(0, 5, 1, 1); !math.IsNaN(got) {
		t.Errorf("MinNormRiskExact(0, 5) = %v, want NaN", got)
	}
}

// The SNR table of theory.md: min-norm (Hastie et al. 2019) against optimal
// ridge (Dobriban–Wager 2018), σ² = 1. The min-norm values are checked to
// half a unit in their last printed place. The ridge values are checked to one
// unit in the third decimal, not half: two of them were evidently rounded
// twice (R* = 3.108495… and 4.589454… are printed 3.109 and 4.590).
func TestRiskTable(t *testing.T) {
	cases := []struct {
		snr, gamma     float64
		minNorm, ridge float64
		minNormHalfULP float64
		ridgeTol       float64
	}{
		{1, 0.5, 1.0, 0.414, 0.05, 0.001},
		{1, 0.9, 9.0, 0.588, 0.05, 0.001},
		{1, 1.1, 10.09, 0.644, 0.005, 0.001},
		{1, 2, 1.5, 0.781, 0.05, 0.001},
		{1, 10, 1.011, 0.951, 0.0005, 0.001},
		{5, 0.5, 1.0, 0.742, 0.05, 0.001},
		{5, 0.9, 9.0, 1.590, 0.05, 0.001},
		{5, 1.1, 10.45, 1.980, 0.005, 0.001},
		{5, 2, 3.5, 3.109, 0.05, 0.001},
		{5, 10, 4.61, 4.590, 0.005, 0.001},
	}
	for _, c := range cases {
		mn := MinNormRiskAsymptotic(c.gamma, 1, c.snr)
		if !within(mn, c.minNorm, c.minNormHalfULP) {
			t.Errorf("SNR %v γ %v: min-norm risk %.5f, theory.md prints %v", c.snr, c.gamma, mn, c.minNorm)
		}
		rr := OptimalRidgeRiskAsymptotic(c.gamma, 1, c.snr)
		if !within(rr, c.ridge, c.ridgeTol) {
			t.Errorf("SNR %v γ %v: optimal ridge risk %.5f, theory.md prints %v", c.snr, c.gamma, rr, c.ridge)
		}
		// Optimal ridge never does worse than min-norm (λ → 0 is a choice).
		if rr > mn {
			t.Errorf("SNR %v γ %v: optimal ridge %v above min-norm %v", c.snr, c.gamma, rr, mn)
		}
	}
	// γ = 1, r² = σ² = 1: R* = (√5 − 1)/2 exactly (theory.md).
	if got, want := OptimalRidgeRiskAsymptotic(1, 1, 1), (math.Sqrt(5)-1)/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("OptimalRidgeRiskAsymptotic(1, 1, 1) = %v, want %v", got, want)
	}
	if got := MinNormRiskAsymptotic(1, 1, 1); !math.IsInf(got, 1) {
		t.Errorf("MinNormRiskAsymptotic(1) = %v, want +Inf", got)
	}
}

// The two algebraic forms of m(−λ) agree, and m solves the Marchenko–Pastur
// self-consistency equation γλm² + (1 − γ + λ)m − 1 = 0 (the quadratic whose
// positive root the formula is).
func TestMPStieltjes(t *testing.T) {
	for _, g := range []float64{0.1, 0.5, 0.99, 1, 1.01, 2, 10} {
		for _, l := range []float64{1e-6, 1e-2, 0.5, 1, 10, 1e3} {
			m := MPStieltjes(g, l)
			if !(m > 0) {
				t.Fatalf("MPStieltjes(%v, %v) = %v, want positive", g, l, m)
			}
			a := 1 - g + l
			res := g*l*m*m + a*m - 1
			// Each term is at most about max(1, |a|m, γλm²) in size, so the
			// equation holds to a few ulps of that.
			scale := math.Max(1, math.Max(math.Abs(a*m), g*l*m*m))
			if math.Abs(res) > 8*0x1p-53*scale {
				t.Errorf("MPStieltjes(%v, %v) = %v: residual %v of the MP equation", g, l, m, res)
			}
			direct := (-a + math.Sqrt(a*a+4*g*l)) / (2 * g * l)
			if l >= 0.5 && math.Abs(direct-m) > 1e-12*m {
				t.Errorf("MPStieltjes(%v, %v) = %v, the textbook form gives %v", g, l, m, direct)
			}
		}
	}
	if !math.IsNaN(MPStieltjes(1, 0)) || !math.IsNaN(MPStieltjes(0, 1)) {
		t.Error("MPStieltjes accepts λ = 0 or γ = 0")
	}
}

func TestOptimalRidgeLambda(t *testing.T) {
	// Unnormalised λ = n·λ* with λ* = σ²γ/r²: p = 300, σ² = 2, r² = 4 → 150.
	if got := OptimalRidgeLambda(300, 2, 4); got != 150 {
		t.Errorf("OptimalRidgeLambda(300, 2, 4) = %v, want 150", got)
	}
}
