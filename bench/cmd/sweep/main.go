// Command sweep writes the sweep report: conditioning, solver time and
// accuracy, and double descent across γ = p/n, and double descent on real
// data (random Fourier features on the UCI optical digits).
//
// Usage:
//
//	go run ./bench/cmd/sweep [flags]
//
// It prints a summary table on stdout, a progress line on stderr, and writes
// conditioning.csv, solvers.csv, risk.csv, digits.csv and their plots (PNG
// and SVG) to the folder -out, which it names at the end. Every random draw
// comes from -seed, which is printed; the same flags give the same numbers
// (the times excepted).
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/minnorm/lstsq/bench/sweep"
	"github.com/minnorm/lstsq/solvers"
)

// defaultSolvers is the default -solvers list. See README ("The sweep
// report") for why the slowest iterative solvers are left to -solvers all.
const defaultSolvers = "svd,cod,qr,normal,nesterov,cgls,lsqr,lsmr"

// defaultDigitsFeatures is the default -digits-features grid: 30 to 5000
// log-spaced, dense around the threshold N = n = 300.
const defaultDigitsFeatures = "30,50,100,150,200,250,280,290,300,310,320,350,400,500,700,1000,1500,2000,3000,5000"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		n        = fs.Int("n", 200, "rows n of the Gaussian designs")
		reps     = fs.Int("reps", 40, "repetitions per p for conditioning and risk (medians and means over these)")
		sReps    = fs.Int("solver-reps", 10, "of those, how many also time every solver and measure its forward error")
		seed     = fs.Uint64("seed", 1, "master seed of every random draw")
		gammas   = fs.String("gammas", "", "comma-separated γ = p/n grid (default: 17 log-spaced from 0.1 to 10 plus 12 near 1)")
		solverFl = fs.String("solvers", defaultSolvers, "comma-separated min-norm solvers to time, or \"all\" (solvers.MinNorm())")
		out      = fs.String("out", "out/sweep", "output folder")
		sigma2   = fs.Float64("sigma2", 1, "noise variance σ²")
		r2       = fs.Float64("r2", 1, "signal energy r² = ‖β‖²")
		minNorm  = fs.String("minnorm", "cod", "min-norm solver of the minnorm risk and the digits fit")
		ridge    = fs.String("ridge", "ridge-dual", "ridge solver of ridge-opt (λ_opt = pσ²/r² keeps it well conditioned)")
		dRidge   = fs.String("digits-ridge", "ridge-svd", "ridge solver of the digits comparison fit (λ = 1e-3 at N ≈ n is beyond the normal equations)")
		workers  = fs.Int("workers", runtime.NumCPU(), "instances run in parallel")
		digits   = fs.Bool("digits", true, "run the random-features sweep on the digits")
		dFile    = fs.String("digits-file", "testdata/digits.csv.gz", "the UCI optical digits (gzipped CSV)")
		dN       = fs.Int("digits-n", 300, "training digits n (the rest are the test set)")
		dFeat    = fs.String("digits-features", defaultDigitsFeatures, "comma-separated numbers N of random features")
		dReps    = fs.Int("digits-reps", 5, "seeds per N (split, frequencies, phases)")
		dScale   = fs.Float64("digits-scale", 5, "bandwidth s of the frequencies v ~ N(0, s⁻²I) (pixels in [0, 1])")
		dLambda  = fs.Float64("digits-lambda", 1e-3, "ridge penalty λ of the digits comparison fit")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	grid := sweep.DefaultGammas()
	if *gammas != "" {
		g, err := sweep.ParseFloats(*gammas)
		if err != nil {
			return err
		}
		grid = g
	}
	solverReps := *sReps
	if solverReps == 0 {
		solverReps = -1 // none
	}
	list, err := sweep.MinNormSolvers(*solverFl)
	if err != nil {
		return err
	}
	mn, err := sweep.MinNormSolver(*minNorm)
	if err != nil {
		return err
	}
	if _, err := sweep.RidgeSolver(*ridge, 1); err != nil {
		return err
	}
	if _, err := sweep.RidgeSolver(*dRidge, 1); err != nil {
		return err
	}
	ridgeBy := func(name string) func(float64) solvers.Solver {
		return func(lambda float64) solvers.Solver {
			s, _ := sweep.RidgeSolver(name, lambda)
			return s
		}
	}
	var feats []int
	var data *sweep.Digits
	if *digits {
		if feats, err = sweep.ParseInts(*dFeat); err != nil {
			return err
		}
		if data, err = sweep.LoadDigits(*dFile); err != nil {
			return fmt.Errorf("%w (run from the module root, or set -digits-file, or -digits=false)", err)
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name()
	}
	fmt.Fprintf(stdout, "sweep: seed %d, n = %d, %d values of p, reps %d (solvers timed on %d), σ² = %g, r² = %g, %d workers\n",
		*seed, *n, len(sweep.Sizes(*n, grid)), *reps, min(*sReps, *reps), *sigma2, *r2, *workers)
	fmt.Fprintf(stdout, "sweep: solvers %s; minnorm by %s, ridge-opt by %s\n\n", strings.Join(names, ","), *minNorm, *ridge)

	start := time.Now()
	prog := newProgress(stderr, "γ sweep")
	res, err := sweep.Run(sweep.Config{
		N: *n, Reps: *reps, SolverReps: solverReps, Seed: *seed, Gammas: grid, Solvers: list,
		MinNorm: mn, Ridge: ridgeBy(*ridge), Sigma2: *sigma2, R2: *r2,
		Workers: *workers, Progress: prog.update,
	})
	prog.finish()
	if err != nil {
		return err
	}
	tSweep := time.Since(start)

	var drows []sweep.DigitsRow
	var digitsErr error
	var tDigits time.Duration
	if *digits {
		start := time.Now()
		dmn, _ := sweep.MinNormSolver(*minNorm)
		prog := newProgress(stderr, "digits")
		drows, digitsErr = sweep.RunDigits(sweep.DigitsConfig{
			Data: data, NTrain: *dN, Features: feats, Reps: *dReps, Seed: *seed, Scale: *dScale,
			MinNorm: dmn, RidgeLambda: *dLambda, Ridge: ridgeBy(*dRidge), Workers: *workers, Progress: prog.update,
		})
		prog.finish()
		tDigits = time.Since(start)
		if drows == nil && digitsErr != nil {
			return digitsErr
		}
	}

	var files []string
	write := func(name string, f func(io.Writer) error) error {
		path := filepath.Join(*out, name)
		fh, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := f(fh); err != nil {
			fh.Close()
			return err
		}
		files = append(files, path)
		return fh.Close()
	}
	if err := write("conditioning.csv", func(w io.Writer) error { return sweep.WriteConditioningCSV(w, res.Conditioning) }); err != nil {
		return err
	}
	if err := write("solvers.csv", func(w io.Writer) error { return sweep.WriteSolversCSV(w, res.Solvers) }); err != nil {
		return err
	}
	if err := write("risk.csv", func(w io.Writer) error { return sweep.WriteRiskCSV(w, res.Risk) }); err != nil {
		return err
	}
	if drows != nil {
		if err := write("digits.csv", func(w io.Writer) error { return sweep.WriteDigitsCSV(w, drows) }); err != nil {
			return err
		}
	}
	plots := []func() ([]string, error){
		func() ([]string, error) { return sweep.PlotConditioning(*out, res.Conditioning) },
		func() ([]string, error) { return sweep.PlotSolvers(*out, res.Solvers) },
		func() ([]string, error) { return sweep.PlotRisk(*out, res.Risk, *sigma2, *r2) },
		func() ([]string, error) { return sweep.PlotDigits(*out, drows) },
	}
	for _, p := range plots {
		paths, err := p()
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		files = append(files, paths...)
	}

	if err := sweep.WriteSummary(stdout, res, *sigma2, *r2, drows); err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		fmt.Fprintln(stdout, "Refusals and failures (first of each kind):")
		for _, p := range res.Problems {
			fmt.Fprintln(stdout, "  ", p)
		}
		fmt.Fprintln(stdout)
	}
	if digitsErr != nil {
		fmt.Fprintln(stdout, "digits:", digitsErr)
	}
	fmt.Fprintf(stdout, "sweep: seed %d; γ sweep %.1f s, digits %.1f s\n", *seed, tSweep.Seconds(), tDigits.Seconds())
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "sweep: wrote %d files to %s:\n", len(files), abs)
	for _, f := range files {
		fmt.Fprintln(stdout, "  ", filepath.Base(f))
	}
	return nil
}

// progress prints one updating status line on stderr.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	start time.Time
	last  time.Time
	done  int
	total int
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, start: time.Now()}
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	if now := time.Now(); now.Sub(p.last) >= 250*time.Millisecond || done == total {
		p.last = now
		p.print()
	}
}

func (p *progress) print() {
	el := time.Since(p.start).Seconds()
	eta := "?"
	if p.done > 0 && p.done < p.total {
		eta = fmt.Sprintf("%.0f s", el*float64(p.total-p.done)/float64(p.done))
	} else if p.done == p.total {
		eta = "0 s"
	}
	pct := 0.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	fmt.Fprintf(p.w, "\rsweep: %s %d/%d (%.0f%%), %.0f s elapsed, about %s left   ", p.label, p.done, p.total, math.Floor(pct), el, eta)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total > 0 && p.done < p.total {
		p.print()
	}
	fmt.Fprintln(p.w)
}
