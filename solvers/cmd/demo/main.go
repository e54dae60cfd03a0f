// Command demo solves one planted least-squares problem at the
// interpolation threshold (n = p by default) with every solver of
// solvers.MinNorm() and solvers.Ridge(λ), and prints a table: name, time,
// relative error against the planted solution, iterations, and the refusal
// when a solver declined to answer.
//
// The problem is X = U·diag(σ)·Vᵀ with Haar-random U and V and σ the
// singular values of an n×p Gaussian matrix scaled by 1/√n, so that its
// conditioning is that of a Gaussian design at the same shape (κ of order n
// at n = p: Edelman's median κ/n ≈ 3.67); the planted min-norm solution W is
// known by construction (internal/problem.NewPlanted). The ridge oracle is
// computed from the same factors: w_λ = V·diag(σ_i/(σ_i² + λ))·Uᵀy.
//
// Usage:
//
//	go run ./solvers/cmd/demo [-n 200] [-p 200] [-seed 1] [-lambda 1e-6] [-timeout 5s]
//
// A solver that takes longer than -timeout is reported as timed out and
// abandoned (it keeps its goroutine until the program exits).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

func main() {
	n := flag.Int("n", 200, "rows of X (samples)")
	p := flag.Int("p", 200, "columns of X (features)")
	seed := flag.Uint64("seed", 1, "seed of the planted problem")
	lambda := flag.Float64("lambda", 1e-6, "ridge penalty λ for the ridge solvers")
	resid := flag.Float64("resid", 0.1, "norm of the planted residual (used only when n > p)")
	timeout := flag.Duration("timeout", 5*time.Second, "give up on a solver after this long")
	flag.Parse()
	if *n < 1 || *p < 1 || !(*lambda >= 0) || math.IsInf(*lambda, 1) || *timeout <= 0 {
		fmt.Fprintln(os.Stderr, "demo: need n, p ≥ 1, a finite λ ≥ 0 and a positive timeout")
		os.Exit(2)
	}

	pl := plant(*seed, *n, *p, *resid)
	fmt.Printf("planted problem: seed %d, n = %d, p = %d, rank %d, κ(X) = %.4g, ‖residual‖ = %.3g\n",
		*seed, *n, *p, pl.Rank(), pl.Cond(), mat.Norm(pl.R, 2))
	fmt.Printf("relative error = ‖w − w_oracle‖/‖w_oracle‖; u = 2⁻⁵³ ≈ 1.1e-16, κ·u ≈ %.2g\n\n", pl.Cond()*0x1p-53)

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "solver\ttime\trel. error\titers\toutcome")
	fmt.Fprintln(tw, "min-norm, oracle W = X⁺y\t\t\t\t")
	for _, s := range solvers.MinNorm() {
		row(tw, s, pl, pl.W, *timeout)
	}
	fmt.Fprintf(tw, "ridge λ = %g, oracle V·diag(σ/(σ²+λ))·Uᵀy\t\t\t\t\n", *lambda)
	wl := ridgeOracle(pl, *lambda)
	for _, s := range solvers.Ridge(*lambda) {
		row(tw, s, pl, wl, *timeout)
	}
	tw.Flush()
}

// plant builds the demo problem: a planted X whose singular values are those
// of an n×p Gaussian matrix scaled by 1/√n.
func plant(seed uint64, n, p int, resid float64) *problem.Planted {
	rng := problem.New(seed)
	var svd mat.SVD
	if !svd.Factorize(problem.Gaussian(rng, n, p), mat.SVDNone) {
		fmt.Fprintln(os.Stderr, "demo: SVD of the Gaussian draw failed")
		os.Exit(1)
	}
	sigma := svd.Values(nil)
	for i := range sigma {
		sigma[i] /= math.Sqrt(float64(n))
	}
	return problem.NewPlanted(rng, n, p, sigma, resid)
}

// ridgeOracle returns V·diag(σ_i/(σ_i² + λ))·Uᵀy from the plant's factors.
func ridgeOracle(pl *problem.Planted, lambda float64) *mat.VecDense {
	c := mat.NewVecDense(pl.Rank(), nil)
	c.MulVec(pl.U.T(), pl.Y)
	for i, s := range pl.Sigma {
		c.SetVec(i, c.AtVec(i)*s/(s*s+lambda))
	}
	_, p := pl.X.Dims()
	w := mat.NewVecDense(p, nil)
	w.MulVec(pl.V, c)
	return w
}

type outcome struct {
	w    *mat.VecDense
	rep  solvers.Report
	has  bool // the solver is a Reporter
	err  error
	took time.Duration
	pan  any
}

// row solves with s under a timeout and prints one table row. A panic is
// caught and printed: the demo reports bugs, it does not crash on them.
func row(tw *tabwriter.Writer, s solvers.Solver, pl *problem.Planted, want *mat.VecDense, timeout time.Duration) {
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if r := recover(); r != nil {
				o.pan = r
			}
			done <- o
		}()
		start := time.Now()
		if r, ok := s.(solvers.Reporter); ok {
			o.has = true
			o.w, o.rep, o.err = r.SolveReport(pl.X, pl.Y)
		} else {
			o.w, o.err = s.Solve(pl.X, pl.Y)
		}
		o.took = time.Since(start)
	}()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(timeout):
		fmt.Fprintf(tw, "  %s\t> %v\t-\t-\ttimed out, abandoned\n", s.Name(), timeout)
		return
	}
	iters := "-"
	if o.has && o.err == nil {
		iters = fmt.Sprint(o.rep.Iterations)
	}
	switch {
	case o.pan != nil:
		fmt.Fprintf(tw, "  %s\t-\t-\t-\tPANIC: %v\n", s.Name(), o.pan)
	case o.err != nil:
		fmt.Fprintf(tw, "  %s\t%s\t-\t%s\terror: %s\n", s.Name(), round(o.took), iters, short(o.err, s.Name()))
	default:
		var d mat.VecDense
		d.SubVec(o.w, want)
		fmt.Fprintf(tw, "  %s\t%s\t%.2e\t%s\tok\n", s.Name(), round(o.took), mat.Norm(&d, 2)/mat.Norm(want, 2), iters)
	}
}

func round(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// short drops the solver's name from the front of its error message, which
// the table already shows.
func short(err error, name string) string {
	return strings.TrimPrefix(err.Error(), name+": ")
}
