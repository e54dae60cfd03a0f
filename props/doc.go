// Package props is a reusable property suite, written with
// pgregory.net/rapid, that decides whether a least-squares solver is right:
// whether it returns the minimum-norm solution
//
//	w* = X⁺y:  minimize over w: ‖y − X·w‖₂, and among those minimizers ‖w‖₂,
//
// or the ridge solution (XᵀX + λI)⁻¹Xᵀy, to the accuracy it claims, on
// random problems of every shape, rank and condition number, with n = p and
// |n − p| ≤ 2 (the interpolation threshold, where X is worst conditioned)
// drawn often.
//
// # Use
//
// One line checks a solver (model: nettest.TestConn, slogtest.Run):
//
//	func TestMySolver(t *testing.T) { props.TestMinNorm(t, mySolver) }
//	func TestMyRidge(t *testing.T) {
//		props.TestRidge(t, func(λ float64) solvers.Solver { return myRidge(λ) })
//	}
//
// Each property runs as a named subtest (rapid.Check), so a failure says
// which property broke on which shrunk input, and rapid prints the command
// that reproduces it and writes a fail file under testdata/rapid. The
// properties are also exported one by one as func(*rapid.T) builders
// (LeastSquares, RowSpace, ..., Hygiene) to compose or to pass to
// rapid.MakeFuzz. Settings are rapid's: -rapid.checks or RAPID_CHECKS for
// the number of cases, -short for a fifth of them.
//
// # The contract checked
//
// A case passes when the solver answers accurately, or refuses with an
// error wrapping solvers.ErrIllConditioned or solvers.ErrNotConverged (the
// suite counts refusals and logs the counts). Any other error on a valid
// input, a panic, a non-finite or wrongly sized answer, or an inaccurate one
// fails the case. On invalid input (bad-input) every error must wrap one of
// the documented sentinels and nothing may panic.
//
// # Tolerances
//
// The suite cannot ask a solver how accurate it is, so the solver states it
// (WithAccuracy; default BackwardStable): a unit of error ε (u = 2⁻⁵³ for a
// direct method, the stopping tolerance for an iterative one) and whether
// the error grows like κ or κ². Every check derives its tolerance from that
// claim, the problem's κ over its non-zero singular values and
// m = max(n, p), with the constant C = 30 of LAPACK's least-squares tests;
// each derivation is written at the property's definition.
//
// # The properties
//
//  1. least-squares: normal equations, and interpolation at full row rank.
//  2. row-space: no component in null(X).
//  3. minimality: forward error to the planted X⁺y; ‖ŵ‖ ≤ ‖ŵ + v‖ and
//     Pythagoras for v in null(X).
//  4. exact: agreement with X⁺y in rational arithmetic (package exact) on
//     small integer matrices, rank-deficient ones included.
//  5. penrose: the four Penrose conditions, for a solvers.Pseudoinverter.
//  6. equivariance: permutations, scaling, rotations, duplicated columns.
//  7. ridge-solution, ridge-exact, ridge-path: ridge normal equations and
//     the primal/dual formula (planted, and exact on integer matrices), the
//     λ → 0 limit on both sides of the threshold, ‖w_λ‖ decreasing in λ,
//     duplicated features.
//  8. started-gradient (GD from w₀ → X⁺y + P_null·w₀) and early-stopping
//     (ridge at λ = 1/t within the Ali–Kolter–Tibshirani envelope of
//     gradient flow).
//  9. honesty: κ up to 10¹² and exact rank deficiency: accurate or refused.
//  10. hygiene: inputs unmodified, bit-identical repeats, concurrent calls.
//
// and bad-input: NaN, ±Inf, empty and mismatched inputs, huge and
// subnormal entries give sentinel errors (or accurate answers), never
// panics. The generators hand X over as a dense matrix, a view into a larger
// NaN-padded matrix or a transpose, and y contiguous or strided, as gonum's
// lapack tests pad strides.
package props
