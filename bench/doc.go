// Package bench holds the benchmarks of the solvers at and around the
// interpolation threshold p ≈ n, in its test files, and the sweep report in
// its sub-packages.
//
// # Benchmarks
//
// BenchmarkMinNorm times every solver of solvers.MinNorm() and BenchmarkRidge
// every solver of solvers.Ridge(λ) on three families of instances, named with
// key=value elements so that benchstat can pivot on any of them:
//
//	BenchmarkMinNorm/solver=cod/family=gauss/n=200/p=200
//	BenchmarkMinNorm/solver=cod/family=planted/kappa=1e10/n=100/p=50
//	BenchmarkRidge/solver=ridge-chol/family=mm/matrix=illc1033/lambda=0.000243/n=1033/p=320
//
// The families are:
//
//   - gauss: X with independent N(0, 1) entries at p/n ∈ {0.5, 0.8, 0.9,
//     0.95, 1, 1.05, 1.1, 1.25, 2}, y = X·β + ε with ‖β‖ = 1 and
//     ε ~ N(0, I), and the optimal ridge penalty λ = p;
//   - planted: geometric singular values from 1 to 1/κ, consistent y, λ = 1/κ;
//   - mm: Matrix Market least-squares problems foo.mtx[.gz] with right-hand
//     sides foo_rhs1.mtx[.gz] from a folder named by -lstsq.matrices or
//     LSTSQ_MATRICES (read with package bench/mmio), λ = σ_max·σ_min.
//
// Beside sec/op, B/op and allocs/op each reports fwd-u (the relative forward
// error in units of u = 2⁻⁵³) and digits (its −log10) against a reference
// refined in double-double arithmetic, nebe-u (the normal-equation backward
// error), iters (iterative solvers), kappa (κ₂ of the instance) and refused
// (1 when the solver returned an error: the row stays in the table, without
// accuracy metrics, and the error is logged). The metrics are deterministic
// and declared so to benchstat with "Unit <name> assume=exact" lines.
//
// Flags of the test binary (each also an environment variable) choose the
// instances: -lstsq.n, -lstsq.large, -lstsq.ratios, -lstsq.planted-n,
// -lstsq.kappas, -lstsq.matrices, -lstsq.seed; -lstsq.export=DIR writes them
// as .npy files for bench/peers, which runs numpy, scipy and scikit-learn on
// the same instances and prints the same benchmark lines. The README's
// "Benchmarks" section shows the make targets and benchstat projections.
package bench
