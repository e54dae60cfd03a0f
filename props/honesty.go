package props

import (
	"math"

	"github.com/minnorm/lstsq/solvers"
	"pgregory.net/rapid"
)

// Honesty is property 9: on hard inputs every answer is accurate or
// refused, never silently wrong. It draws planted problems that are
//
//   - consistent (r* = 0) with κ from 10⁶ to 10¹² (the κ·u term of the
//     bound reaches 10⁻⁴), or
//   - inconsistent with κ from 10³ to 10⁶ (κ²·u up to 10⁻⁴; beyond that the
//     least-squares problem itself is ill-posed in floating point and even a
//     backward-stable answer may have no correct digit),
//
// either of them exactly rank-deficient half the time (the stored X then has
// rounding-size singular values that a rank-revealing method must cut off
// and a full-rank method must refuse). An answer must satisfy
//
//	‖ŵ − X⁺y‖ ≤ min(forward bound, ½·‖X⁺y‖):
//
// within the solver's own claim, and with at least one correct bit even
// when the claim allows more: a solver whose claim is vacuous at this κ
// (normal equations at κ²·u ≳ 1, an iterative method at its cap) must
// refuse with ErrIllConditioned or ErrNotConverged instead.
func Honesty(s solvers.Solver) func(*rapid.T) { return honesty(s, new(tally)) }

func honesty(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	maxDim, _ := sizes(a)
	consistent := plantedGen(plantedSpec{maxDim: maxDim, kappaMin: 1e6, kappaMax: 1e12, deficient: true, consistent: true, scale: true})
	inconsistent := plantedGen(plantedSpec{maxDim: maxDim, kappaMin: 1e3, kappaMax: 1e6, deficient: true, scale: true, maxResid: 1})
	gen := rapid.OneOf(consistent, inconsistent)
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		tol := math.Min(forwardTol(a, pr), norm2(pr.W)/2)
		if got := distance(w, pr.W); !(got <= tol) {
			t.Fatalf("silently wrong: ‖ŵ − X⁺y‖ = %.3g > min(claimed bound %.3g, ½‖X⁺y‖ = %.3g)", got, forwardTol(a, pr), norm2(pr.W)/2)
		}
	}
}
