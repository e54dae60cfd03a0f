package props

import (
	"math"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// unitRoundoff is u = 2⁻⁵³, the unit roundoff of float64.
const unitRoundoff = 0x1p-53

// safety is the constant C in every tolerance below. LAPACK's least-squares
// tests (TESTING/LIN, dqrt16/dqrt17) pass when their ratios, which carry the
// factor max(n, p)·eps, stay below the threshold 30; we use the same C = 30
// with the same factor max(n, p).
const safety = 30

// Accuracy is the error model a solver claims, the one number the suite
// needs that the Solver interface cannot tell it. Every tolerance of the
// suite is derived from it, from the condition number κ = σ₁/σ_r of the
// problem (its non-zero singular values) and from m = max(n, p):
//
//	‖ŵ − X⁺y‖ ≤ C·m·ε·(κ^(1+s)·‖X⁺y‖ + κ²·‖y − X·X⁺y‖/σ₁),
//
// where C = 30, ε = max(Eps, u) and s = 1 when Squared, else 0. For a
// backward-stable direct method (Householder QR/LQ, SVD, COD) ε = u = 2⁻⁵³
// and s = 0: this is the classical first-order perturbation bound for least
// squares (Golub & Van Loan, Matrix Computations, 4th ed., Thm. 5.3.1;
// theory.md). Methods that form XᵀX or XXᵀ (normal equations, primal and dual
// Cholesky ridge) square κ: s = 1. An iterative method stopped when its
// residual rule holds with relative tolerance tol (e.g. ‖Xᵀr‖ ≤ tol·‖X‖·‖r‖
// and ‖r‖ ≤ tol·(‖y‖ + ‖X‖‖w‖), Paige & Saunders 1982) has the same bound
// with ε = tol: on the row space Xᵀr = XᵀX(w* − w), so ‖w − w*‖ ≤ ‖Xᵀr‖/σ_r²
// (the κ² term) and, for a consistent system, ≤ ‖r‖/σ_r (the κ term). A rule
// on the gradient relative to ‖Xᵀy‖ instead gives κ²·tol·‖w*‖: Squared.
//
// Each property states the consequence it checks (residual, row-space
// component, Penrose conditions, ...) at its definition.
type Accuracy struct {
	// Eps is the solver's unit of relative error: u = 2⁻⁵³ for a direct
	// method (values below u are raised to u), the relative stopping
	// tolerance for an iterative one.
	Eps float64
	// Squared says the error grows like κ² rather than κ.
	Squared bool
}

// BackwardStable is the default claim for a solver that does not say
// otherwise: a backward-stable direct method, ε = u, error linear in κ.
var BackwardStable = Accuracy{Eps: unitRoundoff}

// WithAccuracy returns s with the accuracy claim a attached, for the suite
// to derive its tolerances from. The result still implements
// solvers.Pseudoinverter when s does, and Solve is s.Solve.
//
//	props.TestMinNorm(t, props.WithAccuracy(mySolver, props.Accuracy{Eps: 1e-10}))
//
// Without it the suite assumes BackwardStable.
func WithAccuracy(s solvers.Solver, a Accuracy) solvers.Solver {
	c := claimed{Solver: s, acc: a}
	if p, ok := s.(solvers.Pseudoinverter); ok {
		return &claimedPinv{claimed: c, pinv: p}
	}
	return &c
}

// claimed is a Solver carrying an accuracy claim.
type claimed struct {
	solvers.Solver
	acc Accuracy
}

func (c *claimed) accuracy() Accuracy         { return c.acc }
func (c *claimed) unwrap() solvers.Solver     { return c.Solver }
func (c *claimedPinv) unwrap() solvers.Solver { return c.Solver }

// claimedPinv is a claimed Solver that is also a Pseudoinverter.
type claimedPinv struct {
	claimed
	pinv solvers.Pseudoinverter
}

func (c *claimedPinv) Pinv(X mat.Matrix) (*mat.Dense, error) { return c.pinv.Pinv(X) }

// accuracyOf returns the claim attached by WithAccuracy, or BackwardStable.
func accuracyOf(s solvers.Solver) Accuracy {
	if c, ok := s.(interface{ accuracy() Accuracy }); ok {
		return c.accuracy()
	}
	return BackwardStable
}

// unwrapped returns the solver under any WithAccuracy wrapper.
func unwrapped(s solvers.Solver) solvers.Solver {
	for {
		c, ok := s.(interface{ unwrap() solvers.Solver })
		if !ok {
			return s
		}
		s = c.unwrap()
	}
}

// eps returns ε = max(Eps, u).
func (a Accuracy) eps() float64 { return math.Max(a.Eps, unitRoundoff) }

// kappaS returns κ^s: κ for a Squared claim, 1 otherwise.
func (a Accuracy) kappaS(kappa float64) float64 {
	if a.Squared {
		return kappa
	}
	return 1
}

// unit returns C·m·ε, the factor every tolerance starts from.
func (a Accuracy) unit(m int) float64 { return safety * float64(m) * a.eps() }

// forward bounds ‖ŵ − X⁺y‖, the bound in the Accuracy doc comment, given κ,
// ‖X⁺y‖, the optimal residual ‖r*‖ and σ₁ = ‖X‖.
func (a Accuracy) forward(m int, kappa, wNorm, rNorm, sigma1 float64) float64 {
	b := a.unit(m) * (kappa*a.kappaS(kappa)*wNorm + kappa*kappa*rNorm/sigma1)
	return b
}

// normalEq bounds ‖Xᵀ(y − Xŵ)‖. A backward-stable ŵ solves the least-squares
// problem for X + E, y + f with ‖E‖ ≤ ε‖X‖, ‖f‖ ≤ ε‖y‖, so (X+E)ᵀr̃ = 0 gives
//
//	‖Xᵀr̂‖ ≤ C·m·ε·‖X‖·(‖r̂‖ + ‖X‖‖ŵ‖ + ‖y‖)
//
// (the quantity LAPACK's dqrt17 divides by), with no κ at all. Cholesky on
// XᵀX has the same form; on XXᵀ (wide X, w = Xᵀa) the intermediate a can be
// κ/σ₁ times larger than ŵ, hence the factor κ^s. An iterative solver's rule
// ‖Xᵀr‖ ≤ tol‖X‖‖r‖ is this bound with ε = tol.
func (a Accuracy) normalEq(m int, kappa, xNorm, rNorm, wNorm, yNorm float64) float64 {
	return a.unit(m) * a.kappaS(kappa) * xNorm * (rNorm + xNorm*wNorm + yNorm)
}

// interpolation bounds ‖y − Xŵ‖ when X has full row rank (the system is
// consistent): r̂ = f − Eŵ for a backward-stable ŵ, so
//
//	‖y − Xŵ‖ ≤ C·m·ε·κ^s·(‖X‖‖ŵ‖ + ‖y‖).
func (a Accuracy) interpolation(m int, kappa, xNorm, wNorm, yNorm float64) float64 {
	return a.unit(m) * a.kappaS(kappa) * (xNorm*wNorm + yNorm)
}

// nullComponent bounds ‖P_null(X)·ŵ‖. A backward-stable ŵ lies in the row
// space of X + E, whose angle with the row space of X is at most ‖E‖/σ_r =
// ε·κ (Wedin's theorem), so
//
//	‖P_null(X)·ŵ‖ ≤ C·m·ε·κ·‖ŵ‖;
//
// w = Xᵀa computed from a (normal equations on XXᵀ, iterations from w₀ = 0)
// has a null-space component of rounding size only, within the same bound.
func (a Accuracy) nullComponent(m int, kappa, wNorm float64) float64 {
	return a.unit(m) * kappa * wNorm
}
