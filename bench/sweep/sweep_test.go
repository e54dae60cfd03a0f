package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minnorm/lstsq/internal/ddref"
	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// gdEarlyFilter is the closed form of gdEarlyIterate by SVD filter factors
// (the oracle of TestGDEarlyIterate): with X = U·diag(σ)·Vᵀ,
//
//	w_k = V·diag(φ_i/σ_i)·Uᵀy,  φ_i = 1 − (1 − ησ_i²)^k,
//
// evaluated as −expm1(k·log1p(−ησ_i²)) to keep digits when ησ_i² is small.
func gdEarlyFilter(f *ddref.SVD, y []float64, eta float64, k int) []float64 {
	n, _ := f.U.Dims()
	p, r := f.V.Dims()
	c := mat.NewVecDense(r, nil)
	c.MulVec(f.U.T(), mat.NewVecDense(n, y))
	for i := 0; i < r; i++ {
		s := f.S[i]
		// ησ² ∈ (0, 1]; clamp the rounding of η·σ_max² just above 1.
		phi := -math.Expm1(float64(k) * math.Log1p(-min(eta*s*s, 1)))
		c.SetVec(i, c.AtVec(i)*phi/s)
	}
	w := make([]float64, p)
	mat.NewVecDense(p, w).MulVec(f.V, c)
	return w
}

// The iteration agrees with its closed form. Each step is a product with X
// and Xᵀ and an update, each accurate to about (n + p)·u relative to ‖X‖²
// terms, and the iteration map is a contraction (‖I − ηXᵀX‖ ≤ 1), so rounding
// errors add up at most linearly: a difference below k·(n + p)·u·κ relative
// to ‖w_k‖ (κ because the 1/σ_i in the closed form amplifies the rounding
// of Uᵀy in its small directions).
func TestGDEarlyIterate(t *testing.T) {
	rng := problem.New(3)
	for _, c := range []struct {
		n, p   int
		lambda float64
	}{{40, 25, 30}, {25, 40, 5}, {30, 30, 1}, {30, 30, 200}} {
		X := problem.Gaussian(rng, c.n, c.p)
		y := make([]float64, c.n)
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		f, err := ddref.Factor(X)
		if err != nil {
			t.Fatal(err)
		}
		w, k := gdEarlyIterate(X, y, f.S[0], c.lambda)
		eta := 1 / (f.S[0] * f.S[0])
		if want := int(math.Ceil(f.S[0] * f.S[0] / c.lambda)); k != want {
			t.Errorf("%d×%d λ = %v: k = %d, want ⌈σ_max²/λ⌉ = %d", c.n, c.p, c.lambda, k, want)
		}
		want := gdEarlyFilter(f, y, eta, k)
		tol := float64(k*(c.n+c.p)) * u * f.Cond()
		t.Logf("%d×%d k = %d: difference %.3g, bound %.3g", c.n, c.p, k, relErr(w, want), tol)
		if e := relErr(w, want); e > tol {
			t.Errorf("%d×%d λ = %v (k = %d, κ = %.3g): iterate and filter differ by %.3g, bound %.3g", c.n, c.p, c.lambda, k, f.Cond(), e, tol)
		}
	}
}

// The measured min-norm risk matches the exact finite-n expectation of
// Belkin, Hsu & Xu (2019, Theorem 1) within max(3 standard errors, 3%)
// (theory.md's fair test). By default n = 100 with 200 repeats at γ = 0.5
// and 2 (about a second); SWEEP_FULL=1 runs theory.md's n = 400 (about a
// minute on 2 cores).
func TestMinNormRiskMonteCarlo(t *testing.T) {
	n := 100
	if os.Getenv("SWEEP_FULL") != "" {
		n = 400
	}
	res, err := Run(Config{N: n, Reps: 200, Seed: 20190101, Gammas: []float64{0.5, 2}, Sigma2: 1, R2: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Ali, Kolter & Tibshirani (2019): the estimation risk of gradient flow
	// at time t is at most 1.69 times that of ridge with λ = 1/t, for an
	// isotropic prior on β (ours is uniform on the sphere). gd-early takes
	// discrete steps with t = ηk ≥ 1/λ_opt and ridge-opt uses λ_opt; their
	// measured ratio is about 1.1, so the bound leaves room for the Monte
	// Carlo error, while a stopping time off by a factor of ten would break
	// it (at γ = 0.5 a far too early stop has risk near r² = 1, against 0.41).
	mean := map[[2]any]float64{}
	for _, r := range res.Risk {
		mean[[2]any{r.P, r.Estimator}] = r.RiskMean
	}
	for _, p := range Sizes(n, []float64{0.5, 2}) {
		gd, ridge := mean[[2]any{p, EstGDEarly}], mean[[2]any{p, EstRidgeOpt}]
		t.Logf("n = %d p = %d: gd-early %.4f, ridge-opt %.4f (ratio %.3f)", n, p, gd, ridge, gd/ridge)
		if !(gd <= 1.69*ridge) {
			t.Errorf("n = %d p = %d: gd-early mean risk %.4f above 1.69 × ridge-opt %.4f", n, p, gd, ridge)
		}
	}
	checked := 0
	for _, r := range res.Risk {
		if r.Estimator != EstMinNorm {
			continue
		}
		checked++
		if r.Failed > 0 {
			t.Errorf("p = %d: the min-norm solver refused %d times", r.P, r.Failed)
		}
		tol := math.Max(3*r.RiskSE, 0.03*r.Theory)
		t.Logf("n = %d p = %d: mean risk %.4f ± %.4f, exact %.4f", r.N, r.P, r.RiskMean, r.RiskSE, r.Theory)
		if math.Abs(r.RiskMean-r.Theory) > tol {
			t.Errorf("n = %d p = %d: mean risk %.4f (SE %.4f) is %.4f from the exact %.4f, tolerance %.4f",
				r.N, r.P, r.RiskMean, r.RiskSE, r.RiskMean-r.Theory, r.Theory, tol)
		}
	}
	if checked != 2 {
		t.Fatalf("%d min-norm rows, want 2", checked)
	}
}

// A small sweep produces every row, calls Progress for every instance, is
// reproducible from the seed whatever the number of workers, and measures
// the rank-revealing solvers as accurate to a small multiple of κ·u.
func TestRunSmall(t *testing.T) {
	cfg := func(workers int, calls *int) Config {
		return Config{
			N: 20, Reps: 6, SolverReps: 3, Seed: 7, Gammas: []float64{0.5, 1, 2},
			Solvers: []solvers.Solver{solvers.NewSVD(), solvers.NewCOD()},
			Sigma2:  1, R2: 1, Workers: workers,
			Progress: func(done, total int) {
				*calls++
				if total != 18 || done != *calls {
					t.Errorf("Progress(%d, %d) at call %d", done, total, *calls)
				}
			},
		}
	}
	var calls1, calls2 int
	a, err := Run(cfg(1, &calls1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(cfg(3, &calls2))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conditioning) != 3 || len(a.Solvers) != 6 || len(a.Risk) != 9 {
		t.Fatalf("rows: %d conditioning, %d solvers, %d risk; want 3, 6, 9", len(a.Conditioning), len(a.Solvers), len(a.Risk))
	}
	// Compared as printed, since NaN (no theory for gd-early) ≠ NaN.
	same := func(x, y any) bool { return fmt.Sprint(x) == fmt.Sprint(y) }
	if !same(a.Conditioning, b.Conditioning) || !same(a.Risk, b.Risk) {
		t.Error("the same seed with 1 and 3 workers gave different conditioning or risk rows")
	}
	for i, r := range a.Solvers {
		if r.Reps != 3 {
			t.Errorf("%s p = %d: %d timed repetitions, want 3", r.Solver, r.P, r.Reps)
		}
		if r.ErrMedian != b.Solvers[i].ErrMedian {
			t.Errorf("%s p = %d: forward error differs between runs", r.Solver, r.P)
		}
		// A backward-stable solve is accurate to about κ·u (κ²·u relative to
		// the residual for the tall inconsistent p = 10); allow 10·max(n, p).
		bound := 10 * float64(max(r.N, r.P)) * u * r.KappaMedian * r.KappaMedian
		if r.Refusals > 0 || !(r.ErrMedian <= bound) {
			t.Errorf("%s p = %d: %d refusals, median forward error %.3g (bound %.3g)", r.Solver, r.P, r.Refusals, r.ErrMedian, bound)
		}
	}
	for _, r := range a.Risk {
		if r.Reps+r.Failed != 6 || !(r.RiskMedian > 0) {
			t.Errorf("%s p = %d: %d answers, %d failed, median %v", r.Estimator, r.P, r.Reps, r.Failed, r.RiskMedian)
		}
		if r.Estimator == EstMinNorm && r.P == 20 && !math.IsInf(r.Theory, 1) {
			t.Errorf("minnorm theory at p = n is %v, want +Inf", r.Theory)
		}
	}
	c, err := Run(Config{N: 20, Reps: 6, Seed: 8, Gammas: []float64{0.5, 1, 2}, Sigma2: 1, R2: 1})
	if err != nil {
		t.Fatal(err)
	}
	if same(a.Risk, c.Risk) {
		t.Error("seeds 7 and 8 gave the same risks")
	}
	if _, err := Run(Config{N: 2, Reps: 1, Gammas: []float64{1}, Sigma2: 1, R2: 1}); err == nil {
		t.Error("n = 2 accepted")
	}
	if _, err := Run(Config{N: 20, Reps: 1, Gammas: []float64{1}, Sigma2: 0, R2: 1}); err == nil {
		t.Error("σ² = 0 accepted")
	}
}

// readCSV parses b and returns the header and the records.
func readCSV(t *testing.T, b []byte) ([]string, [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		t.Fatal("empty CSV")
	}
	return recs[0], recs[1:]
}

// The CSV files carry the columns the report promises, one line per row,
// +Inf for the infinite theory and an empty field for a missing value.
func TestCSVColumns(t *testing.T) {
	res, err := Run(Config{N: 10, Reps: 2, Seed: 1, Gammas: []float64{0.5, 1, 3},
		Solvers: []solvers.Solver{solvers.NewCOD()}, Sigma2: 1, R2: 1})
	if err != nil {
		t.Fatal(err)
	}
	digits := []DigitsRow{{NTrain: 5, NTest: 7, Features: 5, Ratio: 1, Method: EstMinNorm, Reps: 1,
		TestMSEMedian: 2, TestMSEQ25: 1, TestMSEQ75: 3, ZeroOneMedian: 0.5, TrainMSEMedian: math.NaN()}}
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  []string
		rows  int
	}{
		{"conditioning", func(b *bytes.Buffer) error { return WriteConditioningCSV(b, res.Conditioning) },
			[]string{"n", "p", "gamma", "kappa_median", "mp_limit"}, 3},
		{"solvers", func(b *bytes.Buffer) error { return WriteSolversCSV(b, res.Solvers) },
			[]string{"n", "p", "solver", "time_median_s", "forward_error_median", "refusals"}, 3},
		{"risk", func(b *bytes.Buffer) error { return WriteRiskCSV(b, res.Risk) },
			[]string{"n", "p", "gamma", "estimator", "risk_mean", "risk_median", "theory"}, 9},
		{"digits", func(b *bytes.Buffer) error { return WriteDigitsCSV(b, digits) },
			[]string{"n_train", "features", "method", "test_mse_median", "zero_one_median"}, 1},
	} {
		var b bytes.Buffer
		if err := c.write(&b); err != nil {
			t.Fatal(err)
		}
		header, recs := readCSV(t, b.Bytes())
		for _, col := range c.want {
			if !slices.Contains(header, col) {
				t.Errorf("%s.csv: no column %q in %v", c.name, col, header)
			}
		}
		if len(recs) != c.rows {
			t.Errorf("%s.csv: %d rows, want %d", c.name, len(recs), c.rows)
		}
		for _, r := range recs {
			if len(r) != len(header) {
				t.Errorf("%s.csv: row %v has %d fields, header %d", c.name, r, len(r), len(header))
			}
		}
		switch c.name {
		case "conditioning":
			if recs[1][slices.Index(header, "mp_limit")] != "+Inf" {
				t.Errorf("conditioning.csv: MP limit at γ = 1 is %q, want +Inf", recs[1][slices.Index(header, "mp_limit")])
			}
		case "risk":
			var inf, empty int
			for _, r := range recs {
				switch r[slices.Index(header, "theory")] {
				case "+Inf":
					inf++
				case "":
					empty++
				}
			}
			if inf != 1 || empty != 3 {
				t.Errorf("risk.csv: %d infinite and %d empty theory fields, want 1 (minnorm at p = n) and 3 (gd-early)", inf, empty)
			}
		case "digits":
			if recs[0][slices.Index(header, "train_mse_median")] != "" {
				t.Error("digits.csv: NaN not written as an empty field")
			}
		}
	}
}

func TestGrid(t *testing.T) {
	g := DefaultGammas()
	if g[0] > 0.1+1e-12 || g[len(g)-1] < 10-1e-12 || !slices.IsSorted(g) {
		t.Errorf("DefaultGammas = %v, want sorted from 0.1 to 10", g)
	}
	ps := Sizes(200, g)
	for _, p := range []int{20, 199, 200, 201, 2000} {
		if !slices.Contains(ps, p) {
			t.Errorf("Sizes(200, DefaultGammas()) lacks p = %d: %v", p, ps)
		}
	}
	if got := Sizes(10, []float64{0.5, 0.52, 0.01}); !slices.Equal(got, []int{5}) {
		t.Errorf("Sizes(10, {0.5, 0.52, 0.01}) = %v, want [5]", got)
	}
	if _, err := ParseFloats("0.5, 1,x"); err == nil {
		t.Error("ParseFloats accepted x")
	}
	if v, err := ParseInts("3, 5"); err != nil || !slices.Equal(v, []int{3, 5}) {
		t.Errorf("ParseInts(\"3, 5\") = %v, %v", v, err)
	}
	if _, err := MinNormSolvers("cod,nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("MinNormSolvers(\"cod,nope\"): %v", err)
	}
	if all, err := MinNormSolvers("all"); err != nil || len(all) != len(solvers.MinNorm()) {
		t.Errorf("MinNormSolvers(\"all\"): %d solvers, %v", len(all), err)
	}
}

// The plots are written as non-empty PNG and SVG files.
func TestPlots(t *testing.T) {
	res, err := Run(Config{N: 10, Reps: 3, Seed: 1, Gammas: []float64{0.3, 0.9, 1, 1.2, 3},
		Solvers: []solvers.Solver{solvers.NewCOD(), solvers.NewSVD()}, Sigma2: 1, R2: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	digits := []DigitsRow{
		{NTrain: 5, Features: 3, Method: EstMinNorm, Reps: 1, TestMSEMedian: 0.5, TestMSEQ25: 0.4, TestMSEQ75: 0.6, ZeroOneMedian: 0.2},
		{NTrain: 5, Features: 3, Method: "ridge", Lambda: 1e-3, Reps: 1, TestMSEMedian: 0.5, TestMSEQ25: 0.4, TestMSEQ75: 0.6, ZeroOneMedian: 0.2},
		{NTrain: 5, Features: 5, Method: EstMinNorm, Reps: 1, TestMSEMedian: 50, TestMSEQ25: 40, TestMSEQ75: 60, ZeroOneMedian: 0.8},
		{NTrain: 5, Features: 5, Method: "ridge", Lambda: 1e-3, Reps: 1, TestMSEMedian: 1, TestMSEQ25: 0.9, TestMSEQ75: 1.1, ZeroOneMedian: 0.3},
	}
	var paths []string
	for _, f := range []func() ([]string, error){
		func() ([]string, error) { return PlotConditioning(dir, res.Conditioning) },
		func() ([]string, error) { return PlotSolvers(dir, res.Solvers) },
		func() ([]string, error) { return PlotRisk(dir, res.Risk, 1, 1) },
		func() ([]string, error) { return PlotDigits(dir, digits) },
	} {
		ps, err := f()
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, ps...)
	}
	for _, base := range []string{"conditioning", "solvers_time", "solvers_error", "risk", "digits"} {
		for _, ext := range []string{".png", ".svg"} {
			path := filepath.Join(dir, base+ext)
			if !slices.Contains(paths, path) {
				t.Errorf("%s not reported", path)
			}
			if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
				t.Errorf("%s: %v (size %d)", path, err, st.Size())
			}
		}
	}
}

func TestTickLabel(t *testing.T) {
	for v, want := range map[float64]string{
		1e-16: "1e-16", 1e-11: "1e-11", 2e-7: "2e-7", 1e-4: "1e-4", 0.001: "0.001",
		0.5: "0.5", 1000: "1000", 1e5: "1e5", 2e6: "2e6",
	} {
		if got := tickLabel(v); got != want {
			t.Errorf("tickLabel(%v) = %q, want %q", v, got, want)
		}
	}
}
