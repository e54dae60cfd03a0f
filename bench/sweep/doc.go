// Package sweep computes the sweep report of the lstsq suite: the picture of
// conditioning, solver behaviour and double descent across γ = p/n, and double
// descent on real data (random Fourier features on the UCI optical digits).
//
// The command bench/cmd/sweep runs it; this package holds the computations,
// the theory formulas it overlays (each citing its paper), the CSV writers and
// the plots, so that each piece is tested on its own.
package sweep
