package bench

import (
	"flag"
	"fmt"
	"math"
	"os"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/ddref"
	"github.com/minnorm/lstsq/solvers"
)

// u is the unit roundoff of float64, 2⁻⁵³, the unit of the error metrics.
const u = 0x1p-53

// The metrics each benchmark reports beside sec/op, B/op and allocs/op, and
// the benchstat unit metadata printed for them. All are deterministic for a
// given instance and solver, hence assume=exact: benchstat then shows their
// value instead of a confidence interval, and warns if repeated runs differ.
// (Unit names avoid "ns" and "MB", which benchstat would rescale.)
const (
	unitForward  = "fwd-u"   // ‖ŵ − w*‖₂/‖w*‖₂ in units of u = 2⁻⁵³
	unitDigits   = "digits"  // −log10 of that relative forward error
	unitNormal   = "nebe-u"  // normal-equation backward error η in units of u (ddref.NormalEquationError)
	unitIters    = "iters"   // Report.Iterations of an iterative solvers.Reporter
	unitKappa    = "kappa"   // κ₂(X) of the instance, from its SVD
	unitRefused  = "refused" // 1 when the solver returned an error, else 0
	unitMetadata = `Unit fwd-u better=lower assume=exact
Unit digits better=higher assume=exact
Unit nebe-u better=lower assume=exact
Unit iters better=lower assume=exact
Unit kappa assume=exact
Unit refused better=lower assume=exact
`
)

func TestMain(m *testing.M) {
	flag.Parse()
	if _, err := instances(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		// Unit metadata lines go to the results file with the benchmarks.
		fmt.Print(unitMetadata)
		// A benchstat file-configuration line (lower-case key, no spaces):
		// benchstat groups and pivots on it like goos or pkg. Results of
		// different backends therefore land in separate tables unless it is
		// pivoted on (-col backend) or ignored (-ignore backend).
		fmt.Printf("backend: %s\n", solvers.Backend())
		fmt.Printf("# instances: -lstsq.n=%s -lstsq.large=%v -lstsq.ratios=%s -lstsq.planted-n=%d -lstsq.kappas=%s -lstsq.matrices=%q -lstsq.seed=%d -lstsq.noref=%v -lstsq.rect=%s -lstsq.rect-kappa=%g\n",
			*flagN, *flagLarge, *flagRatios, *flagPlantedN, *flagKappas, *flagMatrices, *flagSeed, *flagNoRef, *flagRect, *flagRectKappa)
		for _, note := range instanceNotes {
			fmt.Println("# skipped matrix", note)
		}
	}
	os.Exit(m.Run())
}

// BenchmarkMinNorm times every solver of solvers.MinNorm() on every instance:
//
//	BenchmarkMinNorm/solver=<name>/family=<family>[/<family keys>]/n=<n>/p=<p>
//
// The reference is X⁺y refined in double-double (internal/ddref).
func BenchmarkMinNorm(b *testing.B) {
	list, _ := instances()
	for _, in := range list {
		for _, s := range solvers.MinNorm() {
			b.Run("solver="+s.Name()+"/"+in.minNormName(), func(b *testing.B) {
				d := in.load()
				if d.err != nil {
					b.Fatalf("instance %s: %v", in.minNormName(), d.err)
				}
				measure(b, s, d, 0, d.minNorm, d.minNormErr)
			})
		}
	}
}

// BenchmarkRidge times every solver of solvers.Ridge(λ) on every instance,
// with the family's λ (the optimal λ = p for the Gaussian family, σ_max·σ_min
// for the others; see instances_test.go):
//
//	BenchmarkRidge/solver=<name>/family=<family>[/<family keys>]/lambda=<λ>/n=<n>/p=<p>
//
// The reference is w_λ refined in double-double (internal/ddref).
func BenchmarkRidge(b *testing.B) {
	list, _ := instances()
	for _, in := range list {
		// The λ of the Matrix Market family depends on the data, which are
		// then loaded to name the benchmarks; the other families' are fixed.
		name := in.ridgeName()
		lambda, _ := in.lambda()
		for _, s := range solvers.Ridge(lambda) {
			b.Run("solver="+s.Name()+"/"+name, func(b *testing.B) {
				d := in.ridgeData()
				if d.err != nil {
					b.Fatalf("instance %s: %v", name, d.err)
				}
				measure(b, s, d, d.lambda, d.ridge, d.ridgeErr)
			})
		}
	}
}

// logged remembers which benchmarks have logged their refusal or missing
// reference, so that -count=6 logs each once.
var logged sync.Map

func logOnce(b *testing.B, format string, args ...any) {
	if _, dup := logged.LoadOrStore(b.Name()+format, true); !dup {
		b.Logf(format, args...)
	}
}

// measure times s on the instance d and reports the metrics of its last
// answer (every solver is deterministic, so every answer is the same).
// A refusal (any error, or a panic, which is a bug) is reported as
// refused=1 with no accuracy metric, and logged; it never stops the run.
func measure(b *testing.B, s solvers.Solver, d *instanceData, lambda float64, ref *ddref.Reference, refErr error) {
	n, p := d.X.Dims()
	y := mat.NewVecDense(n, d.y)
	var (
		w   *mat.VecDense
		rep solvers.Report
		err error
	)
	reporter, isReporter := s.(solvers.Reporter)
	b.ReportAllocs()
	for b.Loop() {
		w, rep, err = solveOnce(s, reporter, d.X, y)
	}
	b.ReportMetric(d.kappa, unitKappa)
	if err != nil {
		b.ReportMetric(1, unitRefused)
		logOnce(b, "refused: %v", err)
		return
	}
	b.ReportMetric(0, unitRefused)
	if isReporter && rep.Iterations > 0 {
		// Direct methods report 0: leaving them out keeps benchstat's
		// geomean of iters defined.
		b.ReportMetric(float64(rep.Iterations), unitIters)
	}
	if w == nil || w.Len() != p {
		b.Errorf("contract violation: %s returned no error and a solution of length %d for p = %d",
			s.Name(), lenOrZero(w), p)
		return
	}
	wv := mat.VecDenseCopyOf(w).RawVector().Data
	b.ReportMetric(ddref.NormalEquationError(d.X, d.y, wv, lambda, d.sigmaMax)/u, unitNormal)
	if ref == nil {
		if refErr != errSkippedReference {
			logOnce(b, "no forward error: %v", refErr)
		}
		return
	}
	fe := ddref.ForwardError(wv, ref)
	b.ReportMetric(fe/u, unitForward)
	// The reference is good to ref.Accuracy (≤ u/64): below that the
	// measured error means nothing, so the digits are capped there.
	b.ReportMetric(-math.Log10(math.Max(fe, ref.Accuracy)), unitDigits)
}

func lenOrZero(w *mat.VecDense) int {
	if w == nil {
		return 0
	}
	return w.Len()
}

// solveOnce calls the solver, through SolveReport when it has one, and turns
// a panic into an error so that one broken solver cannot end the run.
func solveOnce(s solvers.Solver, r solvers.Reporter, X *mat.Dense, y *mat.VecDense) (w *mat.VecDense, rep solvers.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			w, rep, err = nil, solvers.Report{}, fmt.Errorf("PANIC (a bug: solvers must not panic): %v", p)
		}
	}()
	if r != nil {
		return r.SolveReport(X, y)
	}
	w, err = s.Solve(X, y)
	return w, solvers.Report{}, err
}
