package sweep

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/minnorm/lstsq/internal/ddref"
	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// Estimator names in risk.csv.
const (
	EstMinNorm  = "minnorm"   // w = X⁺y by the Config.MinNorm solver
	EstRidgeOpt = "ridge-opt" // ridge with λ_opt = pσ²/r² by the Config.Ridge solver
	EstGDEarly  = "gd-early"  // gradient descent from 0 stopped early, see gdEarly
)

// Config describes one sweep over γ = p/n at a fixed n.
//
// Every instance (one p, one repetition) draws X (n×p, iid N(0, 1)), β
// uniform on the sphere ‖β‖² = R2, and ε ~ N(0, Sigma2·I), and sets
// y = Xβ + ε, from its own generator seeded by (Seed, n, p, rep), so results
// do not depend on the number of workers or the order of the work.
type Config struct {
	N    int // rows of X
	Reps int // repetitions per p for conditioning and risk
	// SolverReps is how many of the repetitions (the first ones) also time
	// every solver and measure its forward error against the refined
	// reference: 0 means the default min(Reps, 10), a negative value none.
	SolverReps int
	Seed       uint64    // master seed
	Gammas     []float64 // γ grid; p = round(γn), duplicates removed
	// Solvers are timed and their forward error measured on the first
	// SolverReps repetitions of every p.
	Solvers []solvers.Solver
	// MinNorm gives the "minnorm" risk (default solvers.NewCOD()); when a
	// solver of the same name is among Solvers its answer is reused,
	// otherwise MinNorm is run untimed.
	MinNorm solvers.Solver
	// Ridge makes the ridge solver with penalty λ used for "ridge-opt"
	// (default solvers.NewRidgeDual).
	Ridge  func(lambda float64) solvers.Solver
	Sigma2 float64 // noise variance σ²
	R2     float64 // signal energy r² = ‖β‖²
	// Workers run instances in parallel (default runtime.NumCPU()). Times are
	// measured per solve, so they include the contention of the other workers.
	Workers int
	// Progress, when set, is called after each finished instance with the
	// number done and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// CondRow is a line of conditioning.csv.
type CondRow struct {
	N, P        int
	Gamma       float64
	Reps        int
	KappaMedian float64 // median over repetitions of κ₂(X) = σ_max/σ_min
	KappaQ10    float64 // 10% quantile
	KappaQ90    float64 // 90% quantile
	MPLimit     float64 // (1 + √γ)/|1 − √γ|
}

// SolverRow is a line of solvers.csv.
type SolverRow struct {
	N, P       int
	Gamma      float64
	Solver     string
	Reps       int
	Refusals   int     // repetitions where Solve returned an error
	TimeMedian float64 // seconds, median over all repetitions
	// ErrMedian and ErrMax are the relative forward error ‖ŵ − w*‖/‖w*‖
	// against the refined reference w* (internal/ddref, rounded to float64), over the
	// repetitions the solver answered; NaN when it refused every one.
	ErrMedian, ErrMax float64
	KappaMedian       float64
}

// RiskRow is a line of risk.csv.
type RiskRow struct {
	N, P       int
	Gamma      float64
	Estimator  string
	Reps       int     // repetitions with an answer
	Failed     int     // repetitions where the estimator's solver refused
	RiskMean   float64 // mean of ‖ŵ − β‖²
	RiskMedian float64 // median of ‖ŵ − β‖²
	RiskSE     float64 // standard error of the mean
	// Theory is the expected risk predicted by theory: the exact finite-n
	// formula for minnorm (MinNormRiskExact, +Inf for n−1 ≤ p ≤ n+1), the
	// asymptotic optimal-ridge risk for ridge-opt; NaN for gd-early.
	Theory float64
	// Param is λ for ridge-opt, the median number of iterations for
	// gd-early, and 0 for minnorm.
	Param float64
}

// Result is the outcome of Run.
type Result struct {
	Conditioning []CondRow
	Solvers      []SolverRow
	Risk         []RiskRow
	// Problems lists distinct solver errors and reference failures, for the
	// command to print; refusals are data, not failures of the run.
	Problems []string
}

// instanceResult holds what one instance measured.
type instanceResult struct {
	kappa   float64
	times   []float64 // per solver, seconds
	errs    []float64 // per solver, NaN if refused or no reference
	refused []bool
	errMsg  []string
	risk    [3]float64 // minnorm, ridge-opt, gd-early; NaN if refused
	gdIters int
	problem string // reference failure or estimator error
}

// instanceSeed mixes the master seed with n, p and rep (SplitMix64 steps).
func instanceSeed(seed uint64, parts ...uint64) uint64 {
	z := seed
	for _, v := range parts {
		z += 0x9e3779b97f4a7c15 + v
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
	}
	return z
}

// validate checks the configuration and fills in defaults.
func (c *Config) validate() error {
	switch {
	case c.N < 3:
		return fmt.Errorf("sweep: n = %d, need n ≥ 3", c.N)
	case c.Reps < 1:
		return fmt.Errorf("sweep: reps = %d, need ≥ 1", c.Reps)
	case len(c.Gammas) == 0:
		return errors.New("sweep: empty γ grid")
	case !(c.Sigma2 > 0) || math.IsInf(c.Sigma2, 0):
		return fmt.Errorf("sweep: σ² = %v, need a positive finite value", c.Sigma2)
	case !(c.R2 > 0) || math.IsInf(c.R2, 0):
		return fmt.Errorf("sweep: r² = %v, need a positive finite value", c.R2)
	}
	if c.MinNorm == nil {
		c.MinNorm = solvers.NewCOD()
	}
	if c.Ridge == nil {
		c.Ridge = func(lambda float64) solvers.Solver { return solvers.NewRidgeDual(lambda) }
	}
	switch {
	case c.SolverReps == 0:
		c.SolverReps = min(c.Reps, 10)
	case c.SolverReps < 0:
		c.SolverReps = 0
	case c.SolverReps > c.Reps:
		c.SolverReps = c.Reps
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	return nil
}

// Run performs the sweep.
func Run(cfg Config) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ps := Sizes(cfg.N, cfg.Gammas)
	all := make([][]instanceResult, len(ps))
	for i := range all {
		all[i] = make([]instanceResult, cfg.Reps)
	}
	// The largest p first in each round.
	order := make([]int, len(ps))
	for k := range order {
		order[k] = len(ps) - 1 - k
	}
	runCells(cfg.Workers, cfg.Reps, order,
		func(c cell) instanceResult { return runInstance(&cfg, ps[c.i], c.rep) },
		func(c cell, r instanceResult) { all[c.i][c.rep] = r },
		cfg.Progress)
	return aggregate(&cfg, ps, all), nil
}

// runInstance draws and measures one instance: κ, the three risks, and for
// the first SolverReps repetitions the time and forward error of every solver.
func runInstance(cfg *Config, p, rep int) instanceResult {
	n := cfg.N
	rng := problem.New(instanceSeed(cfg.Seed, uint64(n), uint64(p), uint64(rep)))
	X := problem.Gaussian(rng, n, p)
	beta := sphere(rng, p, math.Sqrt(cfg.R2))
	y := make([]float64, n)
	mat.NewVecDense(n, y).MulVec(X, mat.NewVecDense(p, beta))
	sd := math.Sqrt(cfg.Sigma2)
	for i := range y {
		y[i] += sd * rng.NormFloat64()
	}
	yv := mat.NewVecDense(n, y)

	res := instanceResult{kappa: math.NaN()}
	for i := range res.risk {
		res.risk[i] = math.NaN()
	}
	noteProblem := func(format string, args ...any) {
		if res.problem == "" {
			res.problem = fmt.Sprintf(format, args...)
		}
	}
	timed := rep < cfg.SolverReps && len(cfg.Solvers) > 0
	var sigma []float64
	var ref []float64
	if timed {
		// The thin SVD serves κ and the refined reference X⁺y.
		f, err := ddref.Factor(X)
		if err != nil {
			noteProblem("n=%d p=%d rep=%d: %v", n, p, rep, err)
		} else {
			sigma = f.S
			if r, err := ddref.MinNorm(X, y, f); err != nil {
				noteProblem("n=%d p=%d rep=%d: %v", n, p, rep, err)
			} else {
				ref = r.Float64()
			}
		}
	} else {
		var svd mat.SVD
		if svd.Factorize(X, mat.SVDNone) {
			sigma = svd.Values(nil)
		} else {
			noteProblem("n=%d p=%d rep=%d: SVD did not converge", n, p, rep)
		}
	}
	if sigma != nil {
		res.kappa = sigma[0] / sigma[len(sigma)-1]
	}

	var minNormW *mat.VecDense
	var minNormErr error
	minNormRan := false
	if timed {
		res.times = make([]float64, len(cfg.Solvers))
		res.errs = make([]float64, len(cfg.Solvers))
		res.refused = make([]bool, len(cfg.Solvers))
		res.errMsg = make([]string, len(cfg.Solvers))
		for i, s := range cfg.Solvers {
			start := time.Now()
			w, err := s.Solve(X, yv)
			res.times[i] = time.Since(start).Seconds()
			res.errs[i] = math.NaN()
			if err != nil {
				res.refused[i] = true
				res.errMsg[i] = err.Error()
			} else if ref != nil {
				res.errs[i] = relErr(w.RawVector().Data, ref)
			}
			if s.Name() == cfg.MinNorm.Name() {
				minNormW, minNormErr, minNormRan = w, err, true
			}
		}
	}
	if !minNormRan {
		minNormW, minNormErr = cfg.MinNorm.Solve(X, yv)
	}
	if minNormErr == nil {
		res.risk[0] = sqDist(minNormW.RawVector().Data, beta)
	} else {
		noteProblem("%s: %v", EstMinNorm, minNormErr)
	}

	lambda := OptimalRidgeLambda(p, cfg.Sigma2, cfg.R2)
	if w, err := cfg.Ridge(lambda).Solve(X, yv); err == nil {
		res.risk[1] = sqDist(w.RawVector().Data, beta)
	} else {
		noteProblem("%s: %v", EstRidgeOpt, err)
	}

	if sigma != nil {
		w, k := gdEarlyIterate(X, y, sigma[0], lambda)
		res.risk[2] = sqDist(w, beta)
		res.gdIters = k
	}
	return res
}

// sphere returns a vector uniform on the sphere of radius r in R^p.
func sphere(rng *rand.Rand, p int, r float64) []float64 {
	v := make([]float64, p)
	var ss float64
	for i := range v {
		v[i] = rng.NormFloat64()
		ss += v[i] * v[i]
	}
	s := r / math.Sqrt(ss)
	for i := range v {
		v[i] *= s
	}
	return v
}

// gdEarlyIterate returns gradient descent on ½‖Xw − y‖² stopped early,
//
//	w₀ = 0,  w_{j+1} = w_j − η·Xᵀ(X·w_j − y),  η = 1/σ_max²,
//
// for k = ⌈1/(ηλ)⌉ steps, and returns w_k and k. The stopping time matches
// gradient-flow time t = ηk to the ridge penalty λ = 1/t (Ali, Kolter &
// Tibshirani 2019, "A continuous-time view of early stopping for least
// squares", whose risk bound is 1.69 times ridge's at λ = 1/t); the sweep
// passes λ = λ_opt = pσ²/r², so on a Gaussian design k ≈ (1 + √γ)²/γ · r²/σ²,
// a handful of steps, cheaper than an SVD. k is capped at maxGDIters, which
// only a signal-to-noise ratio r²/σ² above about 10⁴ reaches. The tests check
// the iterate against its closed form by SVD filter factors.
func gdEarlyIterate(X *mat.Dense, y []float64, sigmaMax, lambda float64) ([]float64, int) {
	n, p := X.Dims()
	eta := 1 / (sigmaMax * sigmaMax)
	k := int(min(math.Ceil(1/(eta*lambda)), maxGDIters))
	w := mat.NewVecDense(p, nil)
	r := mat.NewVecDense(n, nil)
	g := mat.NewVecDense(p, nil)
	yv := mat.NewVecDense(n, y)
	for j := 0; j < k; j++ {
		r.MulVec(X, w)
		r.SubVec(r, yv)
		g.MulVec(X.T(), r)
		w.AddScaledVec(w, -eta, g)
	}
	return w.RawVector().Data, k
}

// maxGDIters caps the early-stopped gradient descent.
const maxGDIters = 100000

// relErr returns ‖w − ref‖/‖ref‖.
func relErr(w, ref []float64) float64 {
	var num, den float64
	for i := range ref {
		d := w[i] - ref[i]
		num += d * d
		den += ref[i] * ref[i]
	}
	return math.Sqrt(num / den)
}

// sqDist returns ‖a − b‖².
func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// aggregate turns the per-instance results into the report's rows.
func aggregate(cfg *Config, ps []int, all [][]instanceResult) *Result {
	res := &Result{}
	// One message per kind: the text up to the third ": " (a solver's name
	// and its sentinel, "cgls: solvers: iteration did not converge"), so
	// that iteration counts in the detail do not multiply it.
	seen := map[string]bool{}
	note := func(msg string) {
		key, rest := "", msg
		for range 3 {
			i := strings.Index(rest, ": ")
			if i < 0 {
				key, rest = key+rest, ""
				break
			}
			key, rest = key+rest[:i+2], rest[i+2:]
		}
		if msg != "" && !seen[key] {
			seen[key] = true
			res.Problems = append(res.Problems, msg)
		}
	}
	n := cfg.N
	for pi, p := range ps {
		g := float64(p) / float64(n)
		insts := all[pi]
		kappas := collect(insts, func(r instanceResult) float64 { return r.kappa })
		kmed := median(kappas)
		res.Conditioning = append(res.Conditioning, CondRow{
			N: n, P: p, Gamma: g, Reps: len(insts),
			KappaMedian: kmed, KappaQ10: quantile(kappas, 0.1), KappaQ90: quantile(kappas, 0.9),
			MPLimit: MPCondLimit(g),
		})
		for si, s := range cfg.Solvers {
			row := SolverRow{N: n, P: p, Gamma: g, Solver: s.Name(), Reps: len(insts), KappaMedian: kmed}
			var times, errs []float64
			row.Reps = 0
			for _, r := range insts {
				if r.times == nil { // not a timed repetition
					continue
				}
				row.Reps++
				times = append(times, r.times[si])
				if r.refused[si] {
					row.Refusals++
					note(firstLine(r.errMsg[si]))
				} else if !math.IsNaN(r.errs[si]) {
					errs = append(errs, r.errs[si])
				}
			}
			row.TimeMedian = median(times)
			row.ErrMedian, row.ErrMax = median(errs), maxOf(errs)
			res.Solvers = append(res.Solvers, row)
		}
		for ei, est := range []string{EstMinNorm, EstRidgeOpt, EstGDEarly} {
			var risks, iters []float64
			failed := 0
			for _, r := range insts {
				if math.IsNaN(r.risk[ei]) {
					failed++
					continue
				}
				risks = append(risks, r.risk[ei])
				iters = append(iters, float64(r.gdIters))
			}
			row := RiskRow{N: n, P: p, Gamma: g, Estimator: est, Reps: len(risks), Failed: failed,
				RiskMedian: median(risks), Theory: math.NaN()}
			row.RiskMean, row.RiskSE = meanSE(risks)
			switch est {
			case EstMinNorm:
				row.Theory = MinNormRiskExact(n, p, cfg.Sigma2, cfg.R2)
			case EstRidgeOpt:
				row.Theory = OptimalRidgeRiskAsymptotic(g, cfg.Sigma2, cfg.R2)
				row.Param = OptimalRidgeLambda(p, cfg.Sigma2, cfg.R2)
			case EstGDEarly:
				row.Param = median(iters)
			}
			res.Risk = append(res.Risk, row)
		}
		for _, r := range insts {
			note(r.problem)
		}
	}
	return res
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

func collect(insts []instanceResult, f func(instanceResult) float64) []float64 {
	out := make([]float64, 0, len(insts))
	for _, r := range insts {
		if v := f(r); !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

// quantile returns the q-quantile of v (linear interpolation between order
// statistics), NaN for an empty v.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

func median(v []float64) float64 { return quantile(v, 0.5) }

func maxOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return slices.Max(v)
}

// meanSE returns the mean and its standard error s/√m.
func meanSE(v []float64) (mean, se float64) {
	m := float64(len(v))
	if m == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= m
	if m < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (m - 1) / m)
}
