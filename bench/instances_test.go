package bench

import (
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/bench/mmio"
	"github.com/minnorm/lstsq/internal/ddref"
	"github.com/minnorm/lstsq/internal/problem"
)

// The benchmark instances. Every setting is a flag of the test binary and an
// environment variable (the flag wins); the defaults keep `make bench`
// (count 6) within about ten minutes on two cores.
var (
	flagN = flag.String("lstsq.n", envOr("LSTSQ_BENCH_N", "200"),
		"comma-separated sample sizes n of the Gaussian family (env LSTSQ_BENCH_N)")
	flagLarge = flag.Bool("lstsq.large", os.Getenv("LSTSQ_BENCH_LARGE") != "",
		"add n = 1000 and 2000 to the Gaussian family (env LSTSQ_BENCH_LARGE=1); slow: filter with -bench")
	flagRatios = flag.String("lstsq.ratios", envOr("LSTSQ_BENCH_RATIOS", "0.5,0.8,0.9,0.95,1,1.05,1.1,1.25,2"),
		"comma-separated aspect ratios γ = p/n of the Gaussian family (env LSTSQ_BENCH_RATIOS)")
	flagPlantedN = flag.Int("lstsq.planted-n", envInt("LSTSQ_BENCH_PLANTED_N", 100),
		"n of the planted family, whose p/n is 0.5, 1 and 2; 0 disables it (env LSTSQ_BENCH_PLANTED_N)")
	flagKappas = flag.String("lstsq.kappas", envOr("LSTSQ_BENCH_KAPPAS", "1e4,1e10"),
		"comma-separated condition numbers of the planted family (env LSTSQ_BENCH_KAPPAS)")
	flagMatrices = flag.String("lstsq.matrices", os.Getenv("LSTSQ_MATRICES"),
		"folder of Matrix Market least-squares problems foo.mtx[.gz] with right-hand sides foo_rhs1.mtx[.gz]; empty skips them (env LSTSQ_MATRICES)")
	flagNoRef = flag.Bool("lstsq.noref", os.Getenv("LSTSQ_BENCH_NOREF") != "",
		"skip the references (no fwd-u or digits): for timing large instances, whose reference needs a full SVD (env LSTSQ_BENCH_NOREF=1)")
	flagRect = flag.String("lstsq.rect", os.Getenv("LSTSQ_BENCH_RECT"),
		"comma-separated strongly rectangular shapes NxP (e.g. 20000x500,500x20000), each added to the Gaussian family and, with -lstsq.rect-kappa, to the planted one; empty adds none (env LSTSQ_BENCH_RECT). For \"sketch\" against \"cod\"; large shapes take minutes to build and reference")
	flagRectKappa = flag.Float64("lstsq.rect-kappa", envFloat("LSTSQ_BENCH_RECT_KAPPA", 1e6),
		"κ of the planted instances of -lstsq.rect; 0 leaves them out (env LSTSQ_BENCH_RECT_KAPPA)")
	flagSeed = flag.Uint64("lstsq.seed", uint64(envInt("LSTSQ_BENCH_SEED", 1)),
		"base seed of the random families (env LSTSQ_BENCH_SEED)")
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

// parseShapes splits a comma-separated list of shapes NxP.
func parseShapes(s string) (out [][2]int, err error) {
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		a, b, ok := strings.Cut(strings.ToLower(f), "x")
		n, errN := strconv.Atoi(a)
		p, errP := strconv.Atoi(b)
		if !ok || errN != nil || errP != nil || n < 1 || p < 1 {
			return nil, fmt.Errorf("bad shape %q in %q: need NxP with positive integers", f, s)
		}
		out = append(out, [2]int{n, p})
	}
	return out, nil
}

// instance is one least-squares problem of a family. Its data and references
// are computed on first use, outside any timed loop, and cached for the
// whole test binary (a benchmark function runs once per -count).
type instance struct {
	family string // "gauss", "planted" or "mm"
	keys   string // the family's name keys, e.g. "family=planted/kappa=1e10"
	n, p   int
	seed   uint64 // 0 for the Matrix Market family
	build  func() (*mat.Dense, []float64, error)
	lambda func() (float64, error) // the family's ridge penalty

	once     sync.Once
	data     *instanceData
	ridgeOne sync.Once
}

// instanceData is what the benchmarks need of an instance.
type instanceData struct {
	X        *mat.Dense
	y        []float64
	svd      *ddref.SVD // kept only until both references are computed
	kappa    float64    // σ_max/σ_min over min(n, p) singular values
	sigmaMax float64
	err      error // the instance could not be built

	minNorm    *ddref.Reference
	minNormErr error
	lambda     float64
	ridge      *ddref.Reference
	ridgeErr   error
}

// minNormName is the sub-benchmark name after "solver=...".
func (in *instance) minNormName() string {
	return fmt.Sprintf("%s/n=%d/p=%d", in.keys, in.n, in.p)
}

// ridgeName is minNormName with the family's λ; it needs the data for the
// Matrix Market family, whose λ depends on σ_max and σ_min.
func (in *instance) ridgeName() string {
	lam := "unavailable"
	if l, err := in.lambda(); err == nil {
		lam = strconv.FormatFloat(l, 'g', -1, 64)
	}
	return fmt.Sprintf("%s/lambda=%s/n=%d/p=%d", in.keys, lam, in.n, in.p)
}

// load builds the instance and its min-norm reference once.
func (in *instance) load() *instanceData {
	in.once.Do(func() {
		d := &instanceData{}
		in.data = d
		X, y, err := in.build()
		if err != nil {
			d.err = err
			return
		}
		d.X, d.y = X, y
		factor := ddref.Factor
		if *flagNoRef {
			factor = ddref.SingularValues
		}
		svd, err := factor(X)
		if err != nil {
			d.err = err
			return
		}
		d.svd, d.kappa, d.sigmaMax = svd, svd.Cond(), svd.S[0]
		if *flagNoRef {
			d.minNormErr = errSkippedReference
			return
		}
		d.minNorm, d.minNormErr = ddref.MinNorm(X, y, svd)
	})
	return in.data
}

// ridgeData is load plus the ridge reference for the family's λ.
func (in *instance) ridgeData() *instanceData {
	d := in.load()
	in.ridgeOne.Do(func() {
		if d.err != nil {
			return
		}
		d.lambda, _ = in.lambda() // no error once load succeeded
		if *flagNoRef {
			d.ridgeErr = errSkippedReference
		} else {
			d.ridge, d.ridgeErr = ddref.Ridge(d.X, d.y, d.lambda, d.svd)
		}
		d.svd = nil
	})
	return d
}

// seedFor derives an instance's seed from the base seed and its name, so that
// adding or removing instances never changes the others:
//
//	seed = FNV-1a-64("<base seed>/<family keys>/n=<n>/p=<p>").
func seedFor(base uint64, name string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", base, name)
	return h.Sum64()
}

// gaussian is the family of the double-descent papers (theory.md): X with
// independent N(0, 1) entries, y = X·β + ε with ‖β‖ = 1 (β uniform on the
// sphere) and ε ~ N(0, I), so r² = σ² = 1. Its ridge penalty is the
// optimal one for that model, λ = p·σ²/r² = p (Dobriban & Wager 2018).
func gaussian(base uint64, n, p int) *instance {
	in := &instance{family: "gauss", keys: "family=gauss", n: n, p: p,
		lambda: func() (float64, error) { return float64(p), nil }}
	in.seed = seedFor(base, in.minNormName())
	in.build = func() (*mat.Dense, []float64, error) {
		rng := problem.New(in.seed)
		X := problem.Gaussian(rng, n, p)
		beta := mat.NewVecDense(p, nil)
		for j := 0; j < p; j++ {
			beta.SetVec(j, rng.NormFloat64())
		}
		beta.ScaleVec(1/mat.Norm(beta, 2), beta)
		y := mat.NewVecDense(n, nil)
		y.MulVec(X, beta)
		for i := 0; i < n; i++ {
			y.SetVec(i, y.AtVec(i)+rng.NormFloat64())
		}
		return X, y.RawVector().Data, nil
	}
	return in
}

// planted has singular values spaced geometrically from 1 to 1/κ
// (problem.GeometricSpectrum), Haar-random singular vectors and a consistent
// y = X·W (problem.NewPlanted with no residual): the forward error then
// isolates κ (about κ·u for backward-stable methods, κ²·u for normal
// equations). Consistent, because for an inconsistent problem at κ = 10¹⁰
// nothing computed in float64 can be trusted, including the refinement of
// the reference (see internal/ddref). Its ridge penalty is
// λ = σ_max·σ_min = 1/κ, which gives XᵀX + λI a condition number of about κ
// instead of κ².
func planted(base uint64, n, p int, kappa float64) *instance {
	kname := formatKappa(kappa)
	in := &instance{family: "planted", keys: "family=planted/kappa=" + kname, n: n, p: p,
		lambda: func() (float64, error) { return 1 / kappa, nil }}
	in.seed = seedFor(base, in.minNormName())
	in.build = func() (*mat.Dense, []float64, error) {
		pl := problem.NewPlanted(problem.New(in.seed), n, p, problem.GeometricSpectrum(min(n, p), kappa), 0)
		return pl.X, pl.Y.RawVector().Data, nil
	}
	return in
}

// formatKappa writes 1e4 as "1e4" and 1e10 as "1e10" (not "10000", "1e+10").
func formatKappa(k float64) string {
	mant, exp, _ := strings.Cut(strconv.FormatFloat(k, 'e', -1, 64), "e")
	e, _ := strconv.Atoi(exp)
	return mant + "e" + strconv.Itoa(e)
}

// matrixMarket is a least-squares problem read from files. Its ridge penalty
// is λ = σ_max·σ_min rounded to three digits (so that the benchmark name
// states it exactly), which gives XᵀX + λI a condition number of about κ.
func matrixMarket(name, xPath, yPath string, n, p int) *instance {
	in := &instance{family: "mm", keys: "family=mm/matrix=" + name, n: n, p: p}
	in.lambda = func() (float64, error) {
		d := in.load()
		if d.err != nil {
			return 0, d.err
		}
		return strconv.ParseFloat(strconv.FormatFloat(d.sigmaMax*d.sigmaMax/d.kappa, 'g', 3, 64), 64)
	}
	in.build = func() (*mat.Dense, []float64, error) {
		X, err := mmio.ReadFile(xPath)
		if err != nil {
			return nil, nil, err
		}
		y, err := mmio.ReadVectorFile(yPath)
		if err != nil {
			return nil, nil, err
		}
		if r, c := X.Dims(); r != n || c != p {
			return nil, nil, fmt.Errorf("%s changed size while reading", xPath)
		}
		if y.Len() != n {
			return nil, nil, fmt.Errorf("%s has length %d, %s has %d rows", yPath, y.Len(), xPath, n)
		}
		return X, y.RawVector().Data, nil
	}
	return in
}

// errSkippedReference is the reason given for missing forward errors under
// -lstsq.noref.
var errSkippedReference = fmt.Errorf("%w: -lstsq.noref", ddref.ErrNoReference)

// parseList splits a comma-separated list of numbers.
func parseList(what, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bad %s %q in %q: need positive numbers", what, f, s)
		}
		out = append(out, v)
	}
	return out, nil
}

var rhsName = regexp.MustCompile(`_rhs[0-9]+$`)

// matrixBase returns the problem name of a Matrix Market file name, or "" for
// a file that is not one.
func matrixBase(file string) string {
	for _, ext := range []string{".mtx.gz", ".mtx"} {
		if strings.HasSuffix(file, ext) {
			return strings.TrimSuffix(file, ext)
		}
	}
	return ""
}

// matrixSize returns the dimensions of a Matrix Market file (by reading it:
// the files are small, and the benchmark names need n and p up front).
func matrixSize(path string) (int, int, error) {
	X, err := mmio.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	r, c := X.Dims()
	return r, c, nil
}

// matrixInstances lists the least-squares problems of dir: every foo.mtx or
// foo.mtx.gz with a right-hand side foo_rhs1.mtx[.gz]. Matrices without one,
// or that cannot be read, are reported in skipped.
func matrixInstances(dir string) (out []*instance, skipped []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	files := map[string]string{}
	for _, e := range entries {
		if b := matrixBase(e.Name()); b != "" && !e.IsDir() {
			files[b] = filepath.Join(dir, e.Name())
		}
	}
	var names []string
	for b := range files {
		if !rhsName.MatchString(b) {
			names = append(names, b)
		}
	}
	sort.Strings(names)
	for _, b := range names {
		rhs, ok := files[b+"_rhs1"]
		if !ok {
			skipped = append(skipped, b+": no "+b+"_rhs1.mtx[.gz]")
			continue
		}
		n, p, err := matrixSize(files[b])
		if err != nil {
			// One unreadable file must not stop the other benchmarks; the
			// note goes to the results file.
			skipped = append(skipped, fmt.Sprintf("%s: %v", b, err))
			continue
		}
		out = append(out, matrixMarket(b, files[b], rhs, n, p))
	}
	return out, skipped, nil
}

var (
	instancesOnce sync.Once
	instanceList  []*instance
	instanceNotes []string // matrices skipped, for the log
	instancesErr  error
)

// instances returns every instance selected by the flags, in benchmark order:
// Gaussian (by n, then p), planted (by κ, then p), the -lstsq.rect shapes
// (Gaussian, then planted), Matrix Market (by name).
func instances() ([]*instance, error) {
	instancesOnce.Do(func() { instanceList, instanceNotes, instancesErr = buildInstances() })
	return instanceList, instancesErr
}

func buildInstances() ([]*instance, []string, error) {
	ns, err := parseList("n", *flagN)
	if err != nil {
		return nil, nil, err
	}
	if *flagLarge {
		ns = append(ns, 1000, 2000)
	}
	ratios, err := parseList("ratio", *flagRatios)
	if err != nil {
		return nil, nil, err
	}
	kappas, err := parseList("kappa", *flagKappas)
	if err != nil {
		return nil, nil, err
	}
	var out []*instance
	seen := map[string]bool{}
	add := func(in *instance) {
		if k := in.minNormName(); !seen[k] {
			seen[k] = true
			out = append(out, in)
		}
	}
	for _, nf := range ns {
		n := int(nf)
		for _, g := range ratios {
			add(gaussian(*flagSeed, n, max(1, int(math.Round(g*float64(n))))))
		}
	}
	if n := *flagPlantedN; n > 0 {
		for _, k := range kappas {
			if k < 1 {
				return nil, nil, errors.New("planted κ must be at least 1")
			}
			for _, p := range []int{n / 2, n, 2 * n} {
				add(planted(*flagSeed, n, max(1, p), k))
			}
		}
	}
	shapes, err := parseShapes(*flagRect)
	if err != nil {
		return nil, nil, err
	}
	for _, sh := range shapes {
		add(gaussian(*flagSeed, sh[0], sh[1]))
	}
	if k := *flagRectKappa; k != 0 {
		if !(k >= 1) {
			return nil, nil, errors.New("-lstsq.rect-kappa must be at least 1 (or 0)")
		}
		for _, sh := range shapes {
			add(planted(*flagSeed, sh[0], sh[1], k))
		}
	}
	var notes []string
	if dir := *flagMatrices; dir != "" {
		mm, skipped, err := matrixInstances(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("matrices folder %s: %w", dir, err)
		}
		out = append(out, mm...)
		notes = skipped
	}
	return out, notes, nil
}
