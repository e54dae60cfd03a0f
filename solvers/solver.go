package solvers

import "gonum.org/v1/gonum/mat"

// Solver fits w to minimise ‖Xw − y‖² (plus λ‖w‖² for ridge).
type Solver interface {
	// Name is short, unique, stable; lowercase letters, digits and '-' only.
	Name() string
	// Solve returns the solution for the n×p matrix X and the length-n y, or
	// an error wrapping one of the package's sentinel errors.
	Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error)
}

// Pseudoinverter is a Solver that also returns the p×n pseudoinverse X⁺ as a
// matrix, so that the Penrose conditions can be checked on it.
type Pseudoinverter interface {
	Solver
	Pinv(X mat.Matrix) (*mat.Dense, error)
}

// MultiSolver is a Solver that factors X once and solves for every column of
// the n×k matrix Y, returning the p×k matrix W whose column j is the solution
// for column j of Y. The digits demo fits ten one-hot columns this way.
type MultiSolver interface {
	Solver
	SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error)
}

// Report says how a solver reached its answer.
type Report struct {
	// Iterations is the number of iterations an iterative method took
	// (0 for a direct method).
	Iterations int
	// Rank is the numerical rank a rank-revealing method used (0 when the
	// method does not determine a rank).
	Rank int
	// Cond is the solver's own estimate of the condition of X (0 when it has
	// none). Its kind varies by method: σ₁/σ_r for "svd", a LAPACK 1-norm
	// estimate for the Cholesky and QR solvers, a Frobenius-type estimate
	// ‖X‖_F·‖X⁺‖ for LSQR and LSMR, a Ritz or Rayleigh-quotient ratio for CGLS
	// and the gradient methods; see each solver's doc. Treat it as an order of
	// magnitude, not as κ₂ to several digits.
	Cond float64
}

// Reporter is a Solver that can also report how it reached its answer.
// SolveReport returns the same vector and error as Solve.
type Reporter interface {
	Solver
	SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error)
}

// MinNorm returns every implementation that claims w = X⁺y, with default
// settings, in a fixed order: direct methods first, then iterative ones.
func MinNorm() []Solver {
	return []Solver{
		NewSVD(),
		NewCOD(),
		NewQR(),
		NewNormal(),
		NewNewtonSchulz(),
		NewGD(),
		NewNesterov(),
		NewCGLS(),
		NewLSQR(),
		NewLSMR(),
		NewREK(),
		NewSketch(),
	}
}

// Ridge returns every implementation of argmin ‖Xw − y‖² + λ‖w‖² with default
// settings. A negative or NaN λ is not rejected here: each solver's Solve
// returns ErrBadParameter for it.
func Ridge(lambda float64) []Solver {
	return []Solver{
		NewRidgeChol(lambda),
		NewRidgeDual(lambda),
		NewRidgeSVD(lambda),
		NewRidgeLSQR(lambda),
		NewRidgeGD(lambda),
	}
}
