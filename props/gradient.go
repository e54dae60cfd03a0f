package props

import (
	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// StartedGradient is the first half of property 8: a gradient method on
// ½‖Xw − y‖² started at w₀ never changes the component of w₀ in null(X)
// (every step is a multiple of Xᵀ(…)), and converges to
//
//	X⁺y + P_null(X)·w₀,   P_null = I − VVᵀ,
//
// also for inconsistent and rank-deficient systems (theory.md). newSolver
// returns the method started at w₀, e.g.
//
//	func(w0 mat.Vector) solvers.Solver { return solvers.NewGD(solvers.WithStart(w0)) }
//
// Problems are planted with κ ≤ 30 (the iteration count grows like κ²) and a
// non-trivial null space (wide or rank-deficient). The tolerance is the
// forward bound of the solver's Accuracy claim (accuracyOf(newSolver(0)))
// with ‖w‖ read as ‖X⁺y‖ + ‖w₀‖: the stopping rule sees the whole iterate,
// null-space part included.
func StartedGradient(newSolver func(w0 mat.Vector) solvers.Solver) func(*rapid.T) {
	return startedGradient(newSolver, new(tally))
}

func startedGradient(newSolver func(mat.Vector) solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(newSolver(mat.NewVecDense(1, nil)))
	gen := plantedGen(plantedSpec{maxDim: 16, kappaMin: 1, kappaMax: 30, deficient: true, scale: true, maxResid: 1})
	return func(t *rapid.T) {
		pr := gen.Draw(t, "problem")
		_, p := pr.Dims()
		w0 := mat.VecDenseCopyOf(problem.Gaussian(problem.New(pr.Seed+3), p, 1).ColView(0))
		w0.ScaleVec(rapid.Float64Range(0.01, 100).Draw(t, "‖w₀‖ scale")*norm2(pr.W)/norm2(w0), w0)
		X, y := pr.Args()
		w, ok := solve(t, tl, newSolver(w0), X, y)
		if !ok {
			return
		}
		want := nullPart(pr.V, w0)
		want.AddVec(want, pr.W)
		tol := a.forward(pr.M(), pr.Kappa(), norm2(pr.W)+norm2(w0), norm2(pr.R), pr.Sigma1())
		if got := distance(w, want); !(got <= tol) {
			t.Fatalf("started at w₀: ‖ŵ − (X⁺y + P_null·w₀)‖ = %.3g > tolerance %.3g (‖P_null·w₀‖ = %.3g)", got, tol, norm2(nullPart(pr.V, w0)))
		}
	}
}
