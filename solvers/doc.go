// Package solvers holds competing implementations of the minimum-norm
// least-squares solution and of ridge regression, behind one contract.
//
// # The problems
//
// For an n×p design X and a response y of length n, a min-norm solver returns
//
//	w* = X⁺y:  minimize over w: ‖y − X·w‖₂, and among those minimizers ‖w‖₂,
//
// for any X: tall, wide, square, rank-deficient, consistent or not. A ridge
// solver with penalty λ ≥ 0 returns
//
//	w_λ = argmin ‖X·w − y‖₂² + λ‖w‖₂² = (XᵀX + λI)⁻¹Xᵀy = Xᵀ(XXᵀ + λI)⁻¹y,
//
// the penalty convention of scikit-learn's Ridge (scipy's lsqr damp d is λ = d²).
//
// # The contract
//
// Every Solver obeys the same rules:
//
//   - It returns the answer it claims, or an error; never a silently wrong
//     vector. A solver that cannot guarantee its answer on an input returns an
//     error wrapping ErrIllConditioned (normal equations when κ²·u is too large,
//     full-rank QR/LQ on a rank-deficient X) or ErrNotConverged (an iterative
//     method that reached its iteration cap). The rank-revealing solvers ("svd",
//     "cod") never refuse for conditioning; they return ErrIllConditioned
//     only when X⁺y itself is not representable in float64 (it overflows).
//   - ErrShape: len(y) ≠ rows of X, or an empty X. ErrNotFinite: NaN or ±Inf in
//     X or y. ErrBadParameter: a negative or NaN λ, a non-positive tolerance, a
//     non-positive iteration cap, and the like. No input makes Solve panic.
//   - Solve never modifies X or y, accepts any mat.Matrix and mat.Vector (views,
//     transposes, non-contiguous vectors), and is safe for concurrent use.
//   - Iterative solvers start from w₀ = 0 unless told otherwise (WithStart) and
//     document their stopping rule and default iteration cap.
//
// Match errors with errors.Is; the message says which solver refused and why.
//
// # Choosing a solver
//
// MinNorm returns every min-norm implementation with default settings and
// Ridge(λ) every ridge implementation; each also has a constructor (NewSVD,
// NewLSQR, ...) taking Options. Solvers that can factor X once and solve for
// many right-hand sides implement MultiSolver; those that expose X⁺ as a
// matrix implement Pseudoinverter; those that can say how they got there
// (iterations, rank) implement Reporter.
package solvers
