package props

import (
	"fmt"
	"math"
	"math/big"

	"github.com/minnorm/lstsq/props/exact"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Ridge properties (property 7, and the early-stopping comparison of
// property 8). The ridge solution is the least-squares solution of the
// augmented problem
//
//	A = [X; √λ·I] ((n+p)×p),  b = [y; 0],  w_λ = A⁺b = (XᵀX + λI)⁻¹Xᵀy,
//
// so its tolerances are those of Accuracy with A in place of X:
// ‖A‖ = √(σ₁² + λ) and κ_λ = √((σ₁² + λ)/(σ_min² + λ)), where σ_min is the
// p-th singular value of X (0 when rank < p), and the optimal residual of
// the augmented problem, ‖r_λ‖² = ‖y − Xw_λ‖² + λ‖w_λ‖². On a planted
// problem X = U·diag(σ)·Vᵀ, y = X·W + R (c = VᵀW),
//
//	w_λ = V·diag(σ²/(σ² + λ))·c,
//
// the spectral form of both the primal (XᵀX + λI)⁻¹Xᵀy and the dual
// Xᵀ(XXᵀ + λI)⁻¹y: it is the oracle the ridge answers are compared to.
//
// Tolerances. For a backward-stable method on A (s = 0) the forward bound
// is Accuracy's with A for X:
//
//	‖ŵ − w_λ‖ ≤ C·m·ε·(κ_λ‖w_λ‖ + κ_λ²‖r_λ‖/‖A‖).
//
// A method that forms a Gram matrix (s = 1) may use XᵀX + λI (p×p) or
// XXᵀ + λI (n×n); the latter has the eigenvalue λ whenever n > rank, so its
// conditioning is κ̃² = (σ₁² + λ)/λ whatever σ_min. Perturbing the primal
// system by ‖E‖ ≤ ε‖A‖² moves w by ε·κ̃²·(‖w‖ + ‖r‖/‖X‖); perturbing the
// dual one moves w = Xᵀa by ‖Xᵀ(XXᵀ + λI)⁻¹‖·‖E‖·‖a‖ ≤ ε·κ̃²·‖r‖/(2√λ)
// (a = r/λ, ‖Xᵀ(XXᵀ + λI)⁻¹‖ ≤ 1/(2√λ)). Hence for s = 1
//
//	‖ŵ − w_λ‖ ≤ C·m·ε·κ̃²·(‖w_λ‖ + ‖r_λ‖/√λ).

// ridgeCase is a planted problem with a penalty and its exact ridge answer.
type ridgeCase struct {
	pr     *Problem
	lambda float64
	w      *mat.VecDense // w_λ from the planted SVD
	rNorm  float64       // ‖r_λ‖ of the augmented problem
	kappa  float64       // κ_λ
	aNorm  float64       // ‖A‖
	kGram  float64       // κ̃ = √((σ₁² + λ)/λ), the dual Gram matrix's worst case
	m      int           // max(n, p)
}

// newRidgeCase computes w_λ, κ_λ, ‖A‖ and ‖r_λ‖ for pr and λ > 0.
func newRidgeCase(pr *Problem, lambda float64) *ridgeCase {
	_, p := pr.Dims()
	c := mat.NewVecDense(pr.Rank, nil)
	c.MulVec(pr.V.T(), pr.W)
	for i, s := range pr.Sigma {
		c.SetVec(i, c.AtVec(i)*s*s/(s*s+lambda))
	}
	w := mat.NewVecDense(p, nil)
	w.MulVec(pr.V, c)
	smin := 0.0
	if pr.Rank == p {
		smin = pr.Sigma[p-1]
	}
	r := residual(pr.X, pr.Y, w)
	return ridgeBounds(pr, lambda, w, pr.Sigma1(), smin, math.Sqrt(sqr(norm2(r))+lambda*sqr(norm2(w))), pr.M())
}

// ridgeBounds fills the bound data of a ridge case from σ₁, σ_min (the p-th
// singular value), λ, ‖r_λ‖ and m.
func ridgeBounds(pr *Problem, lambda float64, w *mat.VecDense, s1, smin, rNorm float64, m int) *ridgeCase {
	return &ridgeCase{pr: pr, lambda: lambda, w: w, rNorm: rNorm, m: m,
		kappa: math.Sqrt((s1*s1 + lambda) / (smin*smin + lambda)),
		aNorm: math.Sqrt(s1*s1 + lambda),
		kGram: math.Sqrt((s1*s1 + lambda) / lambda)}
}

// forward bounds ‖ŵ − w_λ‖ (see the tolerances above).
//
// The dimension factor is m + 4, not m, as in Penrose: besides the solver's
// backward error (growing with m), the comparison carries about four
// rounding terms of size u·κ_λ·‖w_λ‖ that do not grow with m: the stored X
// is U·Σ·Vᵀ rounded, and the oracle w_λ is itself computed in float64 (Vᵀ·W,
// the filter, V·c). At m = 2 the bare 30·m·ε bound was exceeded by 1.6%
// (‖ŵ − w_λ‖ = 5.86e-15 against 5.77e-15, κ_λ = 1, for the gonum-SVD
// reference ridge solver; regression seed
// testdata/rapid/TestReference_ref-ridge_ridge-solution).
func (rc *ridgeCase) forward(a Accuracy) float64 {
	m := rc.m + 4
	if a.Squared {
		return a.unit(m) * rc.kGram * rc.kGram * (norm2(rc.w) + rc.rNorm/math.Sqrt(rc.lambda))
	}
	return a.forward(m, rc.kappa, norm2(rc.w), rc.rNorm, rc.aNorm)
}

// ridgeGen draws planted problems with κ(X) ≤ kappaMax and a penalty
// λ = σ₁²·10^e, e ∈ [−6, 2] (shrinking toward λ = σ₁²·10⁻⁶... 10²'s
// lower end). Rank-deficient and inconsistent problems are included.
func ridgeGen(maxDim int, kappaMax float64) *rapid.Generator[*ridgeCase] {
	pg := plantedGen(plantedSpec{maxDim: maxDim, kappaMin: 1, kappaMax: kappaMax,
		deficient: true, scale: true, maxResid: 1})
	return rapid.Custom(func(t *rapid.T) *ridgeCase {
		pr := pg.Draw(t, "problem")
		s1 := pr.Sigma1()
		lambda := s1 * s1 * math.Pow(10, rapid.Float64Range(-6, 2).Draw(t, "log10 λ/σ₁²"))
		return newRidgeCase(pr, lambda)
	})
}

// ridgeSizes is sizes for a ridge solver (κ of X limited to 10⁴ for direct
// methods: the penalty, not X, sets κ_λ).
func ridgeSizes(a Accuracy) (int, float64) {
	if a.Eps > unitRoundoff {
		return 16, 1e3
	}
	return MaxDim, 1e4
}

// RidgeSolution is property 7's first half: the answer solves the
// regularised normal equations and equals the primal and dual formula.
//
//	‖(XᵀX + λI)ŵ − Xᵀy‖ ≤ C·m·ε·κ̃^(2s)·‖A‖·(‖r̂_λ‖ + ‖A‖‖ŵ‖ + ‖y‖),
//	‖ŵ − w_λ‖ within the forward bound above,
//
// the first being Accuracy.normalEq for A with κ̃^(2s) rather than κ^s: the
// dual Cholesky form solves (XXᵀ + λI + E)a = y + f with a = r/λ, so the
// residual Xᵀ(Ea − f) is at most ε·‖X‖·(κ̃²‖r‖ + ‖y‖).
func RidgeSolution(newSolver func(lambda float64) solvers.Solver) func(*rapid.T) {
	return ridgeSolution(newSolver, new(tally))
}

func ridgeSolution(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(newSolver(1))
	gen := ridgeGen(ridgeSizes(a))
	return func(t *rapid.T) {
		rc := gen.Draw(t, "ridge problem")
		pr := rc.pr
		X, y := pr.Args()
		w, ok := solve(t, tl, newSolver(rc.lambda), X, y)
		if !ok {
			return
		}
		r := residual(pr.X, pr.Y, w)
		g := mat.NewVecDense(w.Len(), nil)
		g.MulVec(pr.X.T(), r)
		g.AddScaledVec(g, -rc.lambda, w) // Xᵀ(y − Xŵ) − λŵ = −((XᵀX + λI)ŵ − Xᵀy)
		rAug := math.Sqrt(sqr(norm2(r)) + rc.lambda*sqr(norm2(w)))
		ks := a.kappaS(rc.kGram)
		tol := a.unit(pr.M()) * ks * ks * rc.aNorm * (rAug + rc.aNorm*norm2(w) + norm2(pr.Y))
		if got := norm2(g); !(got <= tol) {
			t.Fatalf("ridge normal equations: ‖(XᵀX + λI)ŵ − Xᵀy‖ = %.3g > tolerance %.3g (λ = %.3g)", got, tol, rc.lambda)
		}
		if got, tol := distance(w, rc.w), rc.forward(a); !(got <= tol) {
			t.Fatalf("ridge formula: ‖ŵ − V·diag(σ²/(σ²+λ))·VᵀW‖ = %.3g > tolerance %.3g (λ = %.3g, κ_λ = %.3g)", got, tol, rc.lambda, rc.kappa)
		}
	}
}

// RidgeExact is property 7 against exact arithmetic: on small integer
// matrices (n, p ≤ 6, entries in [−3, 3], duplicated rows and columns, so
// often rank-deficient) and λ = k/8, k = 1…64, the answer matches
// (XᵀX + λI)⁻¹Xᵀy = Xᵀ(XXᵀ + λI)⁻¹y computed in rational arithmetic
// (exact.Ridge, primal when p ≤ n and dual otherwise), within the forward
// bound above.
func RidgeExact(newSolver func(lambda float64) solvers.Solver) func(*rapid.T) {
	return ridgeExact(newSolver, new(tally))
}

func ridgeExact(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(newSolver(1))
	gen := integerGen(6)
	return func(t *rapid.T) {
		pr := gen.Draw(t, "problem")
		k := rapid.Int64Range(1, 64).Draw(t, "8λ")
		lambda := float64(k) / 8
		want := exact.VecFloat(exact.Ridge(pr.exactX, pr.exactY, big.NewRat(k, 8)))
		X, y := pr.Args()
		w, ok := solve(t, tl, newSolver(lambda), X, y)
		if !ok {
			return
		}
		_, p := pr.Dims()
		smin := 0.0
		if pr.Rank == p {
			smin = pr.Sigma[p-1]
		}
		r := residual(pr.X, pr.Y, want)
		rc := ridgeBounds(pr, lambda, want, pr.Sigma1(), smin, math.Sqrt(sqr(norm2(r))+lambda*sqr(norm2(want))), pr.M())
		if got, tol := distance(w, want), rc.forward(a); !(got <= tol) {
			t.Fatalf("ridge exact: ‖ŵ − w_λ‖ = %.3g > tolerance %.3g (λ = %v)\nŵ   = %v\nw_λ = %v",
				got, tol, lambda, mat.Formatted(w.T()), mat.Formatted(want.T()))
		}
	}
}

// RidgePath is property 7's second half, on planted problems of any shape
// (both sides of the threshold) and rank:
//
//   - λ → 0⁺: w_λ − X⁺y = −V·diag(λ/(σ² + λ))·c, so
//     ‖ŵ_λ − X⁺y‖ ≤ λ/(σ_r² + λ)·‖X⁺y‖ + (forward bound at λ), for
//     λ = σ_r²·10^−e, e ∈ [1, 8];
//   - ‖w_λ‖ decreases as λ grows: ‖ŵ_λ₂‖ ≤ ‖ŵ_λ₁‖ + both forward bounds
//     for λ₁ < λ₂;
//   - duplicated features (scikit-learn's ridge tests): ridge with λ on X
//     equals ridge with λ/2 on ½[X, X] with coefficients [w, w], and ridge
//     with 2λ on [X; X], [y; y]; each pair within the sum of the two
//     forward bounds (½[X, X] with λ/2 has ‖A‖ = √((σ₁² + λ)/2),
//     κ = √((σ₁² + λ)/λ); [X; X] with 2λ is √2·A).
func RidgePath(newSolver func(lambda float64) solvers.Solver) func(*rapid.T) {
	return ridgePath(newSolver, new(tally))
}

func ridgePath(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(newSolver(1))
	gen := ridgeGen(ridgeSizes(a))
	return func(t *rapid.T) {
		rc := gen.Draw(t, "ridge problem")
		pr := rc.pr
		n, p := pr.Dims()
		X, y := pr.Args()
		switch rapid.SampledFrom([]string{"limit", "monotone", "duplicate columns", "duplicate rows"}).Draw(t, "check") {
		case "limit":
			sr := pr.Sigma[pr.Rank-1]
			lambda := sr * sr * math.Pow(10, -rapid.Float64Range(1, 8).Draw(t, "−log10 λ/σ_r²"))
			small := newRidgeCase(pr, lambda)
			w, ok := solve(t, tl, newSolver(lambda), X, y)
			if !ok {
				return
			}
			tol := lambda/(sr*sr+lambda)*norm2(pr.W) + small.forward(a)
			if got := distance(w, pr.W); !(got <= tol) {
				t.Fatalf("λ → 0: ‖ŵ_λ − X⁺y‖ = %.3g > tolerance %.3g at λ/σ_r² = %.3g", got, tol, lambda/(sr*sr))
			}
		case "monotone":
			l2 := rc.lambda * math.Pow(10, rapid.Float64Range(0.05, 3).Draw(t, "log10 λ₂/λ₁"))
			w1, ok1 := solve(t, tl, newSolver(rc.lambda), X, y)
			w2, ok2 := solve(t, tl, newSolver(l2), X, y)
			if !ok1 || !ok2 {
				return
			}
			tol := rc.forward(a) + newRidgeCase(pr, l2).forward(a)
			if n1, n2 := norm2(w1), norm2(w2); !(n2 <= n1+tol) {
				t.Fatalf("‖w_λ‖ increased: ‖ŵ(%.3g)‖ = %.17g > ‖ŵ(%.3g)‖ = %.17g + tolerance %.3g", l2, n2, rc.lambda, n1, tol)
			}
		case "duplicate columns":
			w, ok := solve(t, tl, newSolver(rc.lambda), X, y)
			if !ok {
				return
			}
			X2 := mat.NewDense(n, 2*p, nil)
			X2.Slice(0, n, 0, p).(*mat.Dense).Scale(0.5, pr.X)
			X2.Slice(0, n, p, 2*p).(*mat.Dense).Scale(0.5, pr.X)
			Xa, ya := layout(pr.Layout, X2, pr.Y)
			w2, ok := solve(t, tl, newSolver(rc.lambda/2), Xa, ya)
			if !ok {
				return
			}
			want := mat.NewVecDense(2*p, nil)
			want.SliceVec(0, p).(*mat.VecDense).CopyVec(w)
			want.SliceVec(p, 2*p).(*mat.VecDense).CopyVec(w)
			// ½[X, X] has singular values σ/√2 and 2p > rank columns.
			dup := ridgeBounds(pr, rc.lambda/2, scaled(math.Sqrt2, rc.w), pr.Sigma1()/math.Sqrt2, 0, rc.rNorm, max(n, 2*p))
			tol := math.Sqrt2*rc.forward(a) + dup.forward(a)
			if got := distance(w2, want); !(got <= tol) {
				t.Fatalf("ridge λ/2 on ½[X, X] ≠ [w, w]: distance %.3g > tolerance %.3g", got, tol)
			}
		case "duplicate rows":
			w, ok := solve(t, tl, newSolver(rc.lambda), X, y)
			if !ok {
				return
			}
			X2 := mat.NewDense(2*n, p, nil)
			X2.Slice(0, n, 0, p).(*mat.Dense).Copy(pr.X)
			X2.Slice(n, 2*n, 0, p).(*mat.Dense).Copy(pr.X)
			y2 := mat.NewVecDense(2*n, nil)
			y2.SliceVec(0, n).(*mat.VecDense).CopyVec(pr.Y)
			y2.SliceVec(n, 2*n).(*mat.VecDense).CopyVec(pr.Y)
			Xa, ya := layout(pr.Layout, X2, y2)
			w2, ok := solve(t, tl, newSolver(2*rc.lambda), Xa, ya)
			if !ok {
				return
			}
			// [X; X] with 2λ is √2·A: singular values √2·σ.
			smin := 0.0
			if pr.Rank == p {
				smin = pr.Sigma[p-1]
			}
			dup := ridgeBounds(pr, 2*rc.lambda, rc.w, math.Sqrt2*pr.Sigma1(), math.Sqrt2*smin, math.Sqrt2*rc.rNorm, max(2*n, p))
			tol := rc.forward(a) + dup.forward(a)
			if got := distance(w2, w); !(got <= tol) {
				t.Fatalf("ridge 2λ on [X; X], [y; y] ≠ ridge λ on X: distance %.3g > tolerance %.3g", got, tol)
			}
		}
	}
}

// EarlyStopping is property 8's comparison of ridge with gradient flow (Ali,
// Kolter & Tibshirani 2019, "A continuous-time view of early stopping for
// least squares", Lemma 5/Thm. 1). Gradient flow from 0 on ½‖Xw − y‖² at
// time t and ridge with λ = 1/t shrink each singular direction (s = σ_i²)
// by the filter factors
//
//	g(s) = 1 − e^(−ts)   and   f(s) = ts/(1 + ts),
//
// and the scalar inequalities e^(−ts) ≤ 1/(1 + ts) and
// 1 − e^(−ts) ≤ 1.2985·ts/(1 + ts) give f ≤ g ≤ 1.2985·f per direction.
// On a planted problem the ridge answer's filter along v_i is
// f̂_i = v_iᵀŵ / c_i (c = VᵀW), so it must satisfy
//
//	g(s_i)/1.2985 − δ_i ≤ f̂_i ≤ g(s_i) + δ_i,   δ_i = (forward bound)/|c_i|,
//
// for t drawn so that ts spans 10⁻² to 10² across the spectrum. A ridge
// solver that mis-scales λ leaves the envelope (λ doubled at ts = 1:
// f = 1/3 < (1 − e⁻¹)/1.2985 = 0.487). The comparison is made against the
// exact gradient flow, not a gradient-descent run: a capped GD returns
// ErrNotConverged and no iterate, and its step size is internal to it.
func EarlyStopping(newSolver func(lambda float64) solvers.Solver) func(*rapid.T) {
	return earlyStopping(newSolver, new(tally))
}

func earlyStopping(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(newSolver(1))
	maxDim, _ := ridgeSizes(a)
	pg := plantedGen(plantedSpec{maxDim: maxDim, kappaMin: 1, kappaMax: 100, deficient: true, scale: true, maxResid: 1})
	return func(t *rapid.T) {
		pr := pg.Draw(t, "problem")
		s1 := pr.Sigma1()
		// t·σ₁² ∈ [10⁻¹, 10³]: the spectrum (κ ≤ 100) then covers ts from
		// 10⁻⁵ to 10³.
		tt := math.Pow(10, rapid.Float64Range(-1, 3).Draw(t, "log10 t·σ₁²")) / (s1 * s1)
		rc := newRidgeCase(pr, 1/tt)
		X, y := pr.Args()
		w, ok := solve(t, tl, newSolver(rc.lambda), X, y)
		if !ok {
			return
		}
		c := mat.NewVecDense(pr.Rank, nil)
		c.MulVec(pr.V.T(), pr.W)
		ch := mat.NewVecDense(pr.Rank, nil)
		ch.MulVec(pr.V.T(), w)
		fb := rc.forward(a)
		for i, s := range pr.Sigma {
			ci := c.AtVec(i)
			if ci == 0 {
				continue
			}
			ts := tt * s * s
			g := -math.Expm1(-ts)
			f := ch.AtVec(i) / ci
			d := fb / math.Abs(ci)
			if !(f <= g+d) {
				t.Fatalf("direction %d (ts = %.3g): ridge filter %.6g > gradient-flow filter 1 − e^(−ts) = %.6g (+%.3g)", i, ts, f, g, d)
			}
			if !(f >= g/1.2985-d) {
				t.Fatalf("direction %d (ts = %.3g): ridge filter %.6g < (1 − e^(−ts))/1.2985 = %.6g (−%.3g)", i, ts, f, g/1.2985, d)
			}
		}
	}
}

// GoString prints the problem, λ and κ_λ.
func (rc *ridgeCase) GoString() string {
	return fmt.Sprintf("%#v, λ=%.3g (λ/σ₁²=%.3g), κ_λ=%.3g", rc.pr, rc.lambda, rc.lambda/sqr(rc.pr.Sigma1()), rc.kappa)
}
