package sweep

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// Double descent on real data, after Belkin, Hsu, Ma & Mandal 2019
// ("Reconciling modern machine-learning practice and the classical
// bias–variance trade-off", PNAS; arXiv 1812.11118, random Fourier features
// on MNIST), shrunk to the 1797 UCI optical digits (Alpaydin & Kaynak 1998,
// CC BY 4.0; testdata/digits.csv.gz): n training digits, N real random
// Fourier features
//
//	φ(x) = √2·cos(⟨v, x⟩ + b),  v ~ N(0, s⁻²I₆₄),  b ~ U[0, 2π),
//
// on pixels scaled to [0, 1], the minimum-norm least-squares fit W = Φ⁺Y of
// the one-hot labels Y (n×10), and the test error on the other 1797 − n
// digits. The test squared loss of a digit is ‖Wᵀφ(x) − e_label‖² summed
// over the ten outputs, averaged over the test digits; the zero-one error
// counts argmax predictions that miss the label. The peak sits at N = n, the
// interpolation threshold, where Φ is square and worst conditioned.

// Digits is the optical digits data: X is m×64 with pixels scaled to [0, 1].
type Digits struct {
	X      *mat.Dense
	Labels []int
}

// DigitsClasses is the number of classes (digits 0–9).
const DigitsClasses = 10

// LoadDigits reads a gzipped CSV of lines of 64 pixel counts in 0..16 and a
// label in 0..9 (the format of scikit-learn's digits.csv.gz).
func LoadDigits(path string) (*Digits, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDigits(f)
}

// ReadDigits is LoadDigits on a reader of the gzipped CSV.
func ReadDigits(r io.Reader) (*Digits, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("sweep: digits: %w", err)
	}
	defer gz.Close()
	const pixels = 64
	var data []float64
	var labels []int
	sc := bufio.NewScanner(gz)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != pixels+1 {
			return nil, fmt.Errorf("sweep: digits line %d: %d fields, want %d", line, len(fields), pixels+1)
		}
		for _, s := range fields[:pixels] {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || v < 0 || v > 16 {
				return nil, fmt.Errorf("sweep: digits line %d: pixel %q not in 0..16", line, s)
			}
			data = append(data, v/16)
		}
		lab, err := strconv.ParseFloat(strings.TrimSpace(fields[pixels]), 64)
		if err != nil || lab != math.Trunc(lab) || lab < 0 || lab >= DigitsClasses {
			return nil, fmt.Errorf("sweep: digits line %d: label %q not in 0..9", line, fields[pixels])
		}
		labels = append(labels, int(lab))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sweep: digits: %w", err)
	}
	if len(labels) == 0 {
		return nil, errors.New("sweep: digits: no data")
	}
	return &Digits{X: mat.NewDense(len(labels), pixels, data), Labels: labels}, nil
}

// DigitsConfig describes the random-features sweep.
type DigitsConfig struct {
	Data     *Digits
	NTrain   int     // training digits n; the rest are the test set
	Features []int   // the N grid
	Reps     int     // seeds (train/test split, v and b) per N
	Seed     uint64  // master seed
	Scale    float64 // s in v ~ N(0, s⁻²I)
	// MinNorm fits W = Φ⁺Y (default solvers.NewCOD()); it is used through
	// solvers.MultiSolver when it implements it, column by column otherwise.
	MinNorm solvers.Solver
	// RidgeLambda is the penalty of the comparison ridge fit, in the
	// unnormalised convention ‖ΦW − Y‖² + λ‖W‖² (default 1e-3).
	RidgeLambda float64
	// Ridge makes the ridge solver (default solvers.NewRidgeSVD).
	Ridge    func(lambda float64) solvers.Solver
	Workers  int                   // default runtime.NumCPU()
	Progress func(done, total int) // as in Config
}

// DigitsRow is a line of digits.csv: one method at one N, over the seeds.
type DigitsRow struct {
	NTrain, NTest int
	Features      int
	Ratio         float64 // N/n
	Method        string  // "minnorm" or "ridge"
	Lambda        float64 // 0 for minnorm
	Reps          int     // seeds with an answer
	Failed        int     // seeds where the solver refused
	// Medians (and quartiles) over seeds of the test squared loss, and the
	// medians of the zero-one test error and of the training squared loss.
	TestMSEMedian, TestMSEQ25, TestMSEQ75 float64
	ZeroOneMedian                         float64
	TrainMSEMedian                        float64
}

// digitsFit is one fit's outcome.
type digitsFit struct{ testMSE, zeroOne, trainMSE float64 }

// RunDigits performs the random-features sweep.
func RunDigits(cfg DigitsConfig) ([]DigitsRow, error) {
	if cfg.Data == nil {
		return nil, errors.New("sweep: digits: no data")
	}
	m, _ := cfg.Data.X.Dims()
	switch {
	case cfg.NTrain < 1 || cfg.NTrain >= m:
		return nil, fmt.Errorf("sweep: digits: n = %d training digits, need 1 ≤ n < %d", cfg.NTrain, m)
	case len(cfg.Features) == 0:
		return nil, errors.New("sweep: digits: empty feature grid")
	case cfg.Reps < 1:
		return nil, fmt.Errorf("sweep: digits: reps = %d, need ≥ 1", cfg.Reps)
	case !(cfg.Scale > 0) || math.IsInf(cfg.Scale, 0):
		return nil, fmt.Errorf("sweep: digits: scale s = %v, need a positive finite value", cfg.Scale)
	}
	if cfg.MinNorm == nil {
		cfg.MinNorm = solvers.NewCOD()
	}
	if cfg.RidgeLambda == 0 {
		cfg.RidgeLambda = 1e-3
	}
	if cfg.Ridge == nil {
		cfg.Ridge = func(lambda float64) solvers.Solver { return solvers.NewRidgeSVD(lambda) }
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	ridge := cfg.Ridge(cfg.RidgeLambda)
	maxN := 0
	for _, N := range cfg.Features {
		if N < 1 {
			return nil, fmt.Errorf("sweep: digits: %d features", N)
		}
		maxN = max(maxN, N)
	}

	type fitPair struct {
		fits [2]digitsFit
		errs [2]error
	}
	all := make([][][2]digitsFit, len(cfg.Features))
	for i := range all {
		all[i] = make([][2]digitsFit, cfg.Reps)
	}
	failed := make([][2]int, len(cfg.Features))
	var firstErr error
	// The largest N first in each round.
	order := make([]int, len(cfg.Features))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cfg.Features[b] - cfg.Features[a] })
	runCells(cfg.Workers, cfg.Reps, order,
		func(c cell) fitPair {
			var f fitPair
			f.fits, f.errs = digitsInstance(&cfg, ridge, cfg.Features[c.i], maxN, c.rep)
			return f
		},
		func(c cell, f fitPair) {
			for k, err := range f.errs {
				if err != nil {
					failed[c.i][k]++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			all[c.i][c.rep] = f.fits
		},
		cfg.Progress)
	var rows []DigitsRow
	for fi, N := range cfg.Features {
		for k, method := range []string{EstMinNorm, "ridge"} {
			var mse, zo, tr []float64
			for _, f := range all[fi] {
				if !math.IsNaN(f[k].testMSE) {
					mse = append(mse, f[k].testMSE)
					zo = append(zo, f[k].zeroOne)
					tr = append(tr, f[k].trainMSE)
				}
			}
			row := DigitsRow{
				NTrain: cfg.NTrain, NTest: m - cfg.NTrain, Features: N,
				Ratio: float64(N) / float64(cfg.NTrain), Method: method,
				Reps: len(mse), Failed: failed[fi][k],
				TestMSEMedian: median(mse), TestMSEQ25: quantile(mse, 0.25), TestMSEQ75: quantile(mse, 0.75),
				ZeroOneMedian: median(zo), TrainMSEMedian: median(tr),
			}
			if k == 1 {
				row.Lambda = cfg.RidgeLambda
			}
			rows = append(rows, row)
		}
	}
	if firstErr != nil {
		return rows, fmt.Errorf("sweep: digits: some fits refused (first: %w)", firstErr)
	}
	return rows, nil
}

// digitsInstance fits min-norm and ridge with N features for seed rep. The
// split and the frequencies depend on (Seed, rep) only, and the N features
// are the first N of maxN drawn, so that the curves over N are nested.
func digitsInstance(cfg *DigitsConfig, ridge solvers.Solver, N, maxN, rep int) ([2]digitsFit, [2]error) {
	m, d := cfg.Data.X.Dims()
	rng := problem.New(instanceSeed(cfg.Seed, 0xd161, uint64(rep)))
	perm := rng.Perm(m)
	V := mat.NewDense(d, maxN, nil)
	b := make([]float64, maxN)
	for j := 0; j < maxN; j++ { // column by column, so prefixes are nested
		for i := 0; i < d; i++ {
			V.Set(i, j, rng.NormFloat64()/cfg.Scale)
		}
		b[j] = 2 * math.Pi * rng.Float64()
	}
	// Rows in permuted order: the first NTrain train, the rest test.
	Xp := mat.NewDense(m, d, nil)
	labels := make([]int, m)
	for i, src := range perm {
		Xp.SetRow(i, cfg.Data.X.RawRowView(src))
		labels[i] = cfg.Data.Labels[src]
	}
	Phi := mat.NewDense(m, N, nil)
	Phi.Mul(Xp, V.Slice(0, d, 0, N))
	Phi.Apply(func(_, j int, v float64) float64 { return math.Sqrt2 * math.Cos(v+b[j]) }, Phi)
	n := cfg.NTrain
	train := Phi.Slice(0, n, 0, N)
	test := Phi.Slice(n, m, 0, N)
	Y := mat.NewDense(n, DigitsClasses, nil)
	for i := 0; i < n; i++ {
		Y.Set(i, labels[i], 1)
	}
	var fits [2]digitsFit
	var errs [2]error
	for k, s := range []solvers.Solver{cfg.MinNorm, ridge} {
		W, err := solveColumns(s, train, Y)
		if err != nil {
			errs[k] = err
			fits[k] = digitsFit{math.NaN(), math.NaN(), math.NaN()}
			continue
		}
		fits[k].testMSE, fits[k].zeroOne = digitsLoss(test, W, labels[n:])
		fits[k].trainMSE, _ = digitsLoss(train, W, labels[:n])
	}
	return fits, errs
}

// solveColumns returns the p×k solution for the n×k right-hand sides Y, by
// SolveMany when s is a MultiSolver and column by column otherwise.
func solveColumns(s solvers.Solver, X mat.Matrix, Y *mat.Dense) (*mat.Dense, error) {
	if ms, ok := s.(solvers.MultiSolver); ok {
		return ms.SolveMany(X, Y)
	}
	_, p := X.Dims()
	_, k := Y.Dims()
	W := mat.NewDense(p, k, nil)
	for j := 0; j < k; j++ {
		w, err := s.Solve(X, Y.ColView(j))
		if err != nil {
			return nil, err
		}
		W.SetCol(j, w.RawVector().Data)
	}
	return W, nil
}

// digitsLoss returns the mean over rows of ‖Φ_i·W − e_label‖² and the
// fraction of rows whose largest output is not the label.
func digitsLoss(Phi mat.Matrix, W *mat.Dense, labels []int) (mse, zeroOne float64) {
	var P mat.Dense
	P.Mul(Phi, W)
	m, k := P.Dims()
	var wrong int
	for i := 0; i < m; i++ {
		best := 0
		for j := 0; j < k; j++ {
			v := P.At(i, j)
			if j == labels[i] {
				v--
			}
			mse += v * v
			if P.At(i, j) > P.At(i, best) {
				best = j
			}
		}
		if best != labels[i] {
			wrong++
		}
	}
	return mse / float64(m), float64(wrong) / float64(m)
}
