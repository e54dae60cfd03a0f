package solvers_test

// Cross-solver unit tests: every solver in solvers.MinNorm() and
// solvers.Ridge(λ) is checked against oracles that share no code with it:
//
//   - the exact rational pseudoinverse of package props/exact, on small
//     integer matrices (tall, wide, square, n = p and |n − p| ≤ 2,
//     rank-deficient, duplicate columns, consistent and inconsistent y);
//   - hand-derived answers (X = [1 1], [1; 1], 0, rank one, diagonal,
//     orthogonal, duplicate columns);
//   - the contract's hygiene rules (inputs untouched, views, transposes,
//     strided vectors, concurrent calls).
//
// The solvers are taken from the lists, so a new solver is covered
// automatically; only its accuracy model (below) and its constructor (in
// errors_test.go) must be added, and the tests fail until they are.
//
// # Tolerances
//
// With u = 2⁻⁵³, d = max(n, p), κ = σ₁/σ_r over the r = rank(X) non-zero
// singular values of the integer matrix X, w* = X⁺y and r* = y − X·w*, a
// min-norm answer w must satisfy
//
//	‖w − w*‖ ≤ C·[ e·κ·‖w*‖ + e·κ²·‖r*‖/σ₁ + s·κ²·‖w*‖ ],  e = d·u + √r·τ,
//
// the classical first-order bound for least squares solved by a backward
// stable method (Higham, "Accuracy and Stability of Numerical Algorithms",
// 2nd ed., Thm. 20.1; Wedin's theorem for the rank-deficient case with the
// rank preserved, which holds here because σ_r of a small integer matrix is
// far above any cut-off), where
//
//	τ is the default stopping tolerance of an iterative solver (0 for a
//	  direct one): stopping when ‖r‖ ≤ τ(‖y‖ + ‖X‖‖w‖) or ‖Xᵀr‖ ≤ τ‖X‖‖r‖
//	  (Paige and Saunders 1982, rules S1 and S2) leaves an error of
//	  at most about τκ‖w*‖ + τκ²‖r*‖/σ₁ (see below), times √r because the
//	  iterative solvers measure ‖X‖ by its Frobenius norm (LSQR's estimate;
//	  ‖X‖_F ≤ √r·σ₁; see the shared stopping rule in lsqr.go);
//	s is d·u for a method that forms XᵀX or XXᵀ (normal equations, whose
//	  error is κ²·u even on consistent systems), r·τ for REK, whose
//	  stopping rule ‖Xᵀz‖ ≤ τ‖X‖_F²‖w‖ leaves an error of τκ_F²‖w‖ with
//	  κ_F ≤ √r·κ, and 0 otherwise;
//	C = 10 is a safety factor for the constants the first-order bounds omit.
//
// (S1 on a consistent system: r = X(w* − w) lies in range(X), so
// ‖w − w*‖ ≤ ‖r‖/σ_r ≤ τκ(‖y‖/σ₁ + ‖w‖) ≤ 2τκ‖w*‖ to first order. S2:
// ‖w − w*‖ ≤ ‖Xᵀr‖/σ_r² ≤ τκ²‖r‖/σ₁.)
//
// A ridge answer for λ > 0 solves (XᵀX + λI)w = Xᵀy, whose matrix has
// condition κ_λ = (σ₁² + λ)/(σ_lo² + λ), where σ_lo = σ_min when X is square
// and non-singular and 0 otherwise (then the larger of XᵀX and XXᵀ is
// singular); a backward-stable solve of that system, or a stopping rule on
// its residual with tolerance τ, gives
//
//	‖w − w_λ‖ ≤ C·(d·u + √p·τ)·κ_λ·(‖w_λ‖ + ‖y‖/√(σ₁² + λ)),
//
// where √p again converts the Frobenius norm of the damped matrix [X; √λ·I]
// (p columns) used by an iterative stopping rule to the 2-norm.
//
// A solver may refuse (ErrIllConditioned, ErrNotConverged); the tests log each
// refusal and count them, but "svd", "cod" and "ridge-svd" (documented never
// to refuse for conditioning) must answer, and any answer must be accurate.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/minnorm/lstsq/props/exact"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

const (
	u      = 0x1p-53
	safety = 10.0 // C above
	seed   = 20261126
)

// accuracyModel says how a solver's error scales (see the file comment).
type accuracyModel struct {
	tol     float64 // τ, the default stopping tolerance; 0 for a direct method
	squares bool    // forms XᵀX or XXᵀ: error ∝ κ²·u
	// kappaFSquared: the stopping rule bounds ‖Xᵀz‖ by τ‖X‖_F²‖w‖ (REK's
	// second test), which leaves ‖w − w*‖ ≤ τ(κ_F + κ_F²)‖w‖, κ_F ≤ √r·κ.
	kappaFSquared bool
}

// models holds each solver's accuracy model, with the default tolerance
// taken from the solver's doc comment. A solver missing here fails
// TestAccuracyModelsCoverLists.
var models = map[string]accuracyModel{
	"svd":    {},
	"cod":    {},
	"qr":     {},
	"normal": {squares: true},
	// Newton–Schulz returns Z_{k+1} with ‖I − T‖ ≤ tol² + √m·κ·u ≈ u at its
	// default tol = 2⁻²⁶, an error its doc puts at κ·u times the iteration
	// count (about 2·log₂κ + 5); the κ²·d·u term covers that product for the
	// κ of these tests, and Söderström and Stewart (1974) show the iteration
	// is κ²-sensitive in general.
	"newton-schulz": {squares: true},
	// The iterative solvers share LSQR's stopping rule with ‖X‖_F (lsqr.go),
	// tol = 1e-10 by default.
	"gd":         {tol: 1e-10},
	"nesterov":   {tol: 1e-10},
	"cgls":       {tol: 1e-10},
	"lsqr":       {tol: 1e-10},
	"lsmr":       {tol: 1e-10},
	"rek":        {tol: 1e-10, kappaFSquared: true}, // Zouzias–Freris stopping rule (rek.go)
	"sketch":     {tol: 1e-14},                      // LSQR's rule on the preconditioned X·N: error ≲ τκ(1 + ‖r*‖/(σ₁‖w*‖)), inside τκ + τκ² (sketch.go)
	"ridge-chol": {squares: true},
	"ridge-dual": {squares: true},
	"ridge-svd":  {},
	"ridge-lsqr": {tol: 1e-10},
	"ridge-gd":   {tol: 1e-10},
}

// neverRefuse lists the solvers documented never to refuse for conditioning.
var neverRefuse = map[string]bool{"svd": true, "cod": true, "ridge-svd": true}

var sentinels = []error{solvers.ErrShape, solvers.ErrNotFinite, solvers.ErrIllConditioned, solvers.ErrNotConverged, solvers.ErrBadParameter}

// sentinelOf returns the sentinels err wraps.
func sentinelOf(err error) []error {
	var out []error
	for _, s := range sentinels {
		if errors.Is(err, s) {
			out = append(out, s)
		}
	}
	return out
}

func isRefusal(err error) bool {
	return errors.Is(err, solvers.ErrIllConditioned) || errors.Is(err, solvers.ErrNotConverged)
}

// solveSafely calls s.Solve and turns a panic into a test failure naming s.
func solveSafely(t *testing.T, s solvers.Solver, X mat.Matrix, y mat.Vector) (w *mat.VecDense, err error, ok bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: Solve panicked: %v", s.Name(), r)
			w, err, ok = nil, nil, false
		}
	}()
	w, err = s.Solve(X, y)
	return w, err, true
}

// intCase is a small integer least-squares problem with its exact solution.
type intCase struct {
	name  string
	X     *exact.Matrix
	y     []*big.Rat
	Xf    *mat.Dense    // X as float64 (exact: small integers)
	yf    *mat.VecDense // y as float64 (exact)
	rank  int
	sigma []float64 // singular values of X, largest first (float SVD; fine for a tolerance)
}

func newIntCase(name string, X [][]int64, y []int64) *intCase {
	c := &intCase{name: name, X: exact.FromInt(X), y: exact.VecFromInt(y)}
	c.Xf, c.yf = c.X.Dense(), exact.VecFloat(c.y)
	c.rank = exact.Rank(c.X)
	var svd mat.SVD
	if !svd.Factorize(c.Xf, mat.SVDNone) {
		panic("test setup: SVD of " + name + " failed")
	}
	c.sigma = svd.Values(nil)
	return c
}

func (c *intCase) dims() (n, p int) { return c.Xf.Dims() }

// kappa is σ₁/σ_r over the non-zero singular values (1 for X = 0).
func (c *intCase) kappa() float64 {
	if c.rank == 0 {
		return 1
	}
	return c.sigma[0] / c.sigma[c.rank-1]
}

// kappaRidge is κ_λ = (σ₁² + λ)/(σ_lo² + λ) of the file comment.
func (c *intCase) kappaRidge(lambda float64) float64 {
	n, p := c.dims()
	lo := 0.0
	if n == p && c.rank == n {
		lo = c.sigma[n-1]
	}
	return (c.sigma[0]*c.sigma[0] + lambda) / (lo*lo + lambda)
}

func (c *intCase) String() string {
	n, p := c.dims()
	return fmt.Sprintf("%s (%d×%d, rank %d, κ = %.3g)", c.name, n, p, c.rank, c.kappa())
}

// residualNorm returns ‖y − X·w‖ for an exact w, in float64.
func (c *intCase) residualNorm(w []*big.Rat) float64 {
	Xw := exact.MulVec(c.X, w)
	r := make([]*big.Rat, len(Xw))
	for i := range r {
		r[i] = new(big.Rat).Sub(c.y[i], Xw[i])
	}
	return mat.Norm(exact.VecFloat(r), 2)
}

// minNormBound is the bound of the file comment for w* = X⁺y.
func minNormBound(m accuracyModel, c *intCase, wstar []*big.Rat) float64 {
	n, p := c.dims()
	d := float64(max(n, p))
	k := c.kappa()
	wn := mat.Norm(exact.VecFloat(wstar), 2)
	rn := c.residualNorm(wstar) / c.sigma[0]
	e := d*u + math.Sqrt(float64(c.rank))*m.tol
	b := e*k*wn + e*k*k*rn
	if m.squares {
		b += d * u * k * k * wn
	}
	if m.kappaFSquared {
		b += m.tol * float64(c.rank) * k * k * wn
	}
	return safety * b
}

// ridgeBound is the bound of the file comment for w_λ, λ > 0.
func ridgeBound(m accuracyModel, c *intCase, lambda float64, wl []*big.Rat) float64 {
	n, p := c.dims()
	d := float64(max(n, p))
	return safety * (d*u + math.Sqrt(float64(p))*m.tol) * c.kappaRidge(lambda) *
		(mat.Norm(exact.VecFloat(wl), 2) + mat.Norm(c.yf, 2)/math.Sqrt(c.sigma[0]*c.sigma[0]+lambda))
}

// distance returns ‖w − w*‖ computed from the exact w*, rounding only once:
// the difference of the float w and the rational w* is formed exactly.
func distance(w *mat.VecDense, wstar []*big.Rat) float64 {
	diff := make([]*big.Rat, len(wstar))
	for i := range wstar {
		diff[i] = new(big.Rat).SetFloat64(w.AtVec(i))
		diff[i].Sub(diff[i], wstar[i])
	}
	return mat.Norm(exact.VecFloat(diff), 2)
}

// tally counts outcomes per solver for the summary logged at the end.
type tally struct {
	mu       sync.Mutex
	pass     map[string]int
	refused  map[string]int
	fail     map[string]int
	maxRatio map[string]float64 // largest error/bound among accepted answers
}

func newTally() *tally {
	return &tally{pass: map[string]int{}, refused: map[string]int{}, fail: map[string]int{}, maxRatio: map[string]float64{}}
}

func (tl *tally) log(t *testing.T, names []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %5s %7s %5s %14s\n", "solver", "pass", "refused", "fail", "max err/bound")
	for _, n := range names {
		fmt.Fprintf(&b, "%-14s %5d %7d %5d %14.3g\n", n, tl.pass[n], tl.refused[n], tl.fail[n], tl.maxRatio[n])
	}
	t.Log("\n" + b.String())
}

// outcome is the verdict on one answer.
type outcome int

const (
	passed outcome = iota
	refused
	failed
)

func (o outcome) String() string { return [...]string{"passed", "refused", "failed"}[o] }

// judge runs s on one problem and compares its answer with the exact w*
// under the error bound. The message explains a refusal or a failure.
// A panic is reported on t by solveSafely and judged a failure.
func judge(t *testing.T, s solvers.Solver, c *intCase, what string, wstar []*big.Rat, bound float64) (outcome, float64, string) {
	t.Helper()
	name := s.Name()
	w, err, ok := solveSafely(t, s, c.Xf, c.yf)
	if !ok {
		return failed, 0, fmt.Sprintf("%s panicked on %s, %s", name, c, what)
	}
	if err != nil {
		if isRefusal(err) && len(sentinelOf(err)) == 1 {
			if neverRefuse[name] {
				return failed, 0, fmt.Sprintf("%s refused %s, %s, but is documented never to refuse: %v", name, c, what, err)
			}
			return refused, 0, fmt.Sprintf("%s refused %s, %s: %v", name, c, what, err)
		}
		return failed, 0, fmt.Sprintf("%s on %s, %s: unexpected error %v (sentinels %v)", name, c, what, err, sentinelOf(err))
	}
	_, p := c.dims()
	if w == nil || w.Len() != p {
		return failed, 0, fmt.Sprintf("%s on %s, %s: returned %v with a nil error, want a vector of length %d", name, c, what, w, p)
	}
	dist := distance(w, wstar)
	ratio := dist / bound
	if bound == 0 {
		ratio = 0
		if dist != 0 {
			ratio = math.Inf(1)
		}
	}
	if !(ratio <= 1) {
		return failed, ratio, fmt.Sprintf("%s on %s, %s: ‖w − w*‖ = %.3g exceeds the bound %.3g (ratio %.3g)\n w  = %v\n w* = %v",
			name, c, what, dist, bound, ratio, mat.Formatted(w.T()), mat.Formatted(exact.VecFloat(wstar).T()))
	}
	return passed, ratio, ""
}

// checkAnswer judges one answer, reports a failure or logs a refusal on t,
// and updates the tally.
func checkAnswer(t *testing.T, tl *tally, s solvers.Solver, c *intCase, what string, wstar []*big.Rat, bound float64) {
	t.Helper()
	verdict, ratio, msg := judge(t, s, c, what, wstar, bound)
	name := s.Name()
	tl.mu.Lock()
	defer tl.mu.Unlock()
	switch verdict {
	case passed:
		tl.pass[name]++
		tl.maxRatio[name] = math.Max(tl.maxRatio[name], ratio)
	case refused:
		tl.refused[name]++
		t.Log(msg)
	case failed:
		tl.fail[name]++
		t.Error(msg)
	}
}

// randInts returns an n×p matrix of integers in [−lim, lim].
func randInts(rng *rand.Rand, n, p, lim int) [][]int64 {
	a := make([][]int64, n)
	for i := range a {
		a[i] = make([]int64, p)
		for j := range a[i] {
			a[i][j] = int64(rng.IntN(2*lim+1) - lim)
		}
	}
	return a
}

func mulInts(a, b [][]int64) [][]int64 {
	c := make([][]int64, len(a))
	for i := range a {
		c[i] = make([]int64, len(b[0]))
		for k := range b {
			for j := range b[0] {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func mulIntVec(a [][]int64, x []int64) []int64 {
	y := make([]int64, len(a))
	for i := range a {
		for j := range x {
			y[i] += a[i][j] * x[j]
		}
	}
	return y
}

// integerCases returns the random integer problems, each with a consistent
// y = X·z and an inconsistent random y. The seed is logged by the callers.
func integerCases(rng *rand.Rand) []*intCase {
	type shape struct {
		n, p, rank int // rank 0: full (random), else a product of n×rank and rank×p factors
		dup        bool
	}
	shapes := []shape{
		{1, 1, 0, false}, {1, 4, 0, false}, {4, 1, 0, false},
		{8, 4, 0, false}, {4, 8, 0, false}, // tall, wide
		{5, 5, 0, false}, {7, 7, 0, false}, // n = p
		{6, 5, 0, false}, {5, 6, 0, false}, {7, 5, 0, false}, {5, 7, 0, false}, // |n − p| ≤ 2
		{6, 6, 3, false}, {7, 4, 2, false}, {4, 7, 2, false}, {5, 6, 4, false}, {6, 5, 4, false}, // rank-deficient
		{6, 4, 0, true}, {4, 6, 0, true}, {5, 5, 0, true}, // a duplicated column
		{10, 10, 0, false}, {10, 12, 0, false}, {12, 10, 0, false},
	}
	var cases []*intCase
	for _, sh := range shapes {
		var X [][]int64
		kind := "full"
		switch {
		case sh.rank > 0:
			X = mulInts(randInts(rng, sh.n, sh.rank, 2), randInts(rng, sh.rank, sh.p, 2))
			kind = fmt.Sprintf("rank-%d product", sh.rank)
		case sh.dup:
			X = randInts(rng, sh.n, sh.p, 5)
			for i := range X {
				X[i][sh.p-1] = X[i][0]
			}
			kind = "duplicate column"
		default:
			X = randInts(rng, sh.n, sh.p, 5)
		}
		z := randInts(rng, 1, sh.p, 3)[0]
		cases = append(cases,
			newIntCase(kind+", consistent", X, mulIntVec(X, z)),
			newIntCase(kind+", random y", X, randInts(rng, 1, sh.n, 5)[0]))
	}
	// A moderately ill-conditioned square matrix (det = −1, κ ≈ 3.9·10⁴):
	// normal equations must still answer or refuse honestly.
	// (Cases come in pairs sharing X: TestSolveManyExactOracle relies on it.)
	near := [][]int64{{100, 99}, {99, 98}}
	cases = append(cases,
		newIntCase("near-singular [100 99; 99 98], consistent", near, mulIntVec(near, []int64{1, -1})),
		newIntCase("near-singular [100 99; 99 98], y = (1, 2)", near, []int64{1, 2}))
	// Scaled Hilbert matrices L/(i + j + 1), L = lcm(1, …, 11) = 27720, an
	// integer matrix with κ(H₅) ≈ 4.8·10⁵ and κ(H₆) ≈ 1.5·10⁷, and their
	// tall and wide sections: the exact oracle judges every answer given
	// and every refusal is logged.
	hilbert := func(n, p int) [][]int64 {
		h := make([][]int64, n)
		for i := range h {
			h[i] = make([]int64, p)
			for j := range h[i] {
				h[i][j] = 27720 / int64(i+j+1)
			}
		}
		return h
	}
	for _, sh := range [][2]int{{5, 5}, {6, 6}, {6, 5}, {5, 6}} {
		H := hilbert(sh[0], sh[1])
		z := randInts(rng, 1, sh[1], 3)[0]
		cases = append(cases,
			newIntCase(fmt.Sprintf("Hilbert %d×%d, consistent", sh[0], sh[1]), H, mulIntVec(H, z)),
			newIntCase(fmt.Sprintf("Hilbert %d×%d, random y", sh[0], sh[1]), H, randInts(rng, 1, sh[0], 5)[0]))
	}
	return cases
}

// seededCases returns integerCases drawn from PCG(seed, stream), logging both
// so that a failure can be reproduced.
func seededCases(t *testing.T, stream uint64) []*intCase {
	t.Helper()
	t.Logf("integer cases from PCG(seed %d, stream %d)", seed, stream)
	return integerCases(rand.New(rand.NewPCG(seed, stream)))
}

func solverNames(list []solvers.Solver) []string {
	var names []string
	for _, s := range list {
		names = append(names, s.Name())
	}
	return names
}

// TestMinNormExactOracle compares every min-norm solver with the exact X⁺y.
func TestMinNormExactOracle(t *testing.T) {
	cases := seededCases(t, 1)
	tl := newTally()
	list := solvers.MinNorm()
	for _, c := range cases {
		wstar := exact.MinNorm(c.X, c.y)
		for _, s := range list {
			m, ok := models[s.Name()]
			if !ok {
				continue // reported by TestAccuracyModelsCoverLists
			}
			checkAnswer(t, tl, s, c, "min-norm", wstar, minNormBound(m, c, wstar))
		}
	}
	tl.log(t, solverNames(list))
}

// TestRidgeExactOracle compares every ridge solver with the exact w_λ for
// λ ∈ {1/2, 2} and, where the solver accepts it, λ = 0 against X⁺y.
func TestRidgeExactOracle(t *testing.T) {
	cases := seededCases(t, 2)
	tl := newTally()
	for _, lam := range []*big.Rat{big.NewRat(1, 2), big.NewRat(2, 1), new(big.Rat)} {
		lf, _ := lam.Float64()
		for _, c := range cases {
			wl := exact.Ridge(c.X, c.y, lam)
			for _, s := range solvers.Ridge(lf) {
				m, ok := models[s.Name()]
				if !ok {
					continue
				}
				var bound float64
				if lf == 0 {
					bound = minNormBound(m, c, wl)
				} else {
					bound = ridgeBound(m, c, lf, wl)
				}
				checkAnswer(t, tl, s, c, fmt.Sprintf("λ = %v", lam.RatString()), wl, bound)
			}
		}
	}
	tl.log(t, solverNames(solvers.Ridge(1)))
}

// handCase is a problem whose answer was derived by hand.
type handCase struct {
	name string
	X    [][]int64
	y    []int64
	want []*big.Rat // X⁺y, or w_λ for the ridge cases
}

func rats(v ...*big.Rat) []*big.Rat { return v }

var (
	half = big.NewRat(1, 2)
	one  = big.NewRat(1, 1)
	zero = new(big.Rat)
)

// handMinNorm: the derivation of each answer is in its name or comment.
var handMinNorm = []handCase{
	// One equation w₁ + w₂ = 2: the min-norm solution splits it evenly.
	{"X = [1 1], y = 2", [][]int64{{1, 1}}, []int64{2}, rats(one, one)},
	// Two observations of one unknown: least squares takes the mean.
	{"X = [1; 1], y = (1, 3)", [][]int64{{1}, {1}}, []int64{1, 3}, rats(big.NewRat(2, 1))},
	// X = 0: every w is a minimiser; the smallest is 0.
	{"X = 0 (3×2)", [][]int64{{0, 0}, {0, 0}, {0, 0}}, []int64{1, 2, 3}, rats(zero, zero)},
	// Rank one X = u·vᵀ, u = (1, −2, 2), v = (3, 0, 4, 1): X⁺y = v·(uᵀy)/(‖u‖²‖v‖²)
	// = v·1/(9·26) for y = (1, 1, 1).
	{"rank one u·vᵀ", [][]int64{{3, 0, 4, 1}, {-6, 0, -8, -2}, {6, 0, 8, 2}}, []int64{1, 1, 1},
		rats(big.NewRat(3, 234), zero, big.NewRat(4, 234), big.NewRat(1, 234))},
	// Diagonal diag(2, −4, 0) over a zero row: invert the non-zero entries.
	{"diagonal 4×3 with a zero", [][]int64{{2, 0, 0}, {0, -4, 0}, {0, 0, 0}, {0, 0, 0}}, []int64{1, 2, 3, 4},
		rats(half, big.NewRat(-1, 2), zero)},
	// 5·Q with Q = [3 4; −4 3]/5 orthogonal: X⁺ = Xᵀ/25, so w = (15, 20)/25.
	{"orthogonal (scaled by 5)", [][]int64{{3, 4}, {-4, 3}}, []int64{5, 0}, rats(big.NewRat(3, 5), big.NewRat(4, 5))},
	// Duplicate columns [a a], a = (1, 2), y = a: a⁺y = 1, split evenly.
	{"duplicate columns [a a]", [][]int64{{1, 1}, {2, 2}}, []int64{1, 2}, rats(half, half)},
	// y orthogonal to range(X) = span(1, 1): the least-squares fit is 0.
	{"y ⟂ range(X)", [][]int64{{1}, {1}}, []int64{1, -1}, rats(zero)},
}

// TestMinNormHandDerived checks every min-norm solver on hand-derived cases,
// after checking each derivation against the exact oracle.
func TestMinNormHandDerived(t *testing.T) {
	tl := newTally()
	list := solvers.MinNorm()
	for _, h := range handMinNorm {
		c := newIntCase(h.name, h.X, h.y)
		oracle := exact.MinNorm(c.X, c.y)
		for i := range oracle {
			if oracle[i].Cmp(h.want[i]) != 0 {
				t.Fatalf("hand derivation of %s disagrees with the exact oracle at %d: %v vs %v", h.name, i, h.want[i].RatString(), oracle[i].RatString())
			}
		}
		for _, s := range list {
			m, ok := models[s.Name()]
			if !ok {
				continue
			}
			bound := 0.0
			if c.rank > 0 {
				bound = minNormBound(m, c, h.want)
			}
			checkAnswer(t, tl, s, c, "hand-derived", h.want, bound)
		}
	}
	tl.log(t, solverNames(list))
}

// TestRidgeHandDerived: X = [1 1], y = 2, λ = 2 gives w = Xᵀ(XXᵀ + λ)⁻¹y =
// (1, 1)·2/4; X = [1; 1], y = (1, 3), λ = 2 gives (Xᵀy)/(XᵀX + λ) = 4/4.
func TestRidgeHandDerived(t *testing.T) {
	tl := newTally()
	for _, h := range []handCase{
		{"X = [1 1], y = 2, λ = 2", [][]int64{{1, 1}}, []int64{2}, rats(half, half)},
		{"X = [1; 1], y = (1, 3), λ = 2", [][]int64{{1}, {1}}, []int64{1, 3}, rats(one)},
		{"X = 0, λ = 2", [][]int64{{0, 0}}, []int64{1}, rats(zero, zero)},
	} {
		c := newIntCase(h.name, h.X, h.y)
		for _, s := range solvers.Ridge(2) {
			m, ok := models[s.Name()]
			if !ok {
				continue
			}
			bound := 0.0
			if c.rank > 0 {
				bound = ridgeBound(m, c, 2, h.want)
			}
			checkAnswer(t, tl, s, c, "hand-derived", h.want, bound)
		}
	}
	tl.log(t, solverNames(solvers.Ridge(2)))
}

// TestPseudoinverseExactOracle compares X⁺ from every solver that exposes it
// with the exact pseudoinverse. By Wedin's theorem a backward-stable X⁺ has
// ‖P − X⁺‖ ≲ √2·κ·(d·u)·‖X⁺‖ when the rank is preserved; a method that
// squares κ gets κ²; bound: C·(d·u + τ)·(κ + s'κ²)·‖X⁺‖_F, s' = 1 when the
// model squares.
func TestPseudoinverseExactOracle(t *testing.T) {
	cases := seededCases(t, 3)
	found := 0
	for _, s := range solvers.MinNorm() {
		pi, ok := s.(solvers.Pseudoinverter)
		if !ok {
			continue
		}
		found++
		m := models[s.Name()]
		for i, c := range cases {
			if i%2 == 1 {
				continue // the odd cases repeat X with another y
			}
			var P *mat.Dense
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: Pinv panicked on %s: %v", s.Name(), c, r)
					}
				}()
				P, err = pi.Pinv(c.Xf)
			}()
			if err != nil {
				if isRefusal(err) && !neverRefuse[s.Name()] {
					t.Logf("%s: Pinv refused %s: %v", s.Name(), c, err)
				} else {
					t.Errorf("%s: Pinv on %s: %v", s.Name(), c, err)
				}
				continue
			}
			if P == nil {
				continue // reported above (panic)
			}
			n, p := c.dims()
			if r, cc := P.Dims(); r != p || cc != n {
				t.Errorf("%s: Pinv of %s is %d×%d, want %d×%d", s.Name(), c, r, cc, p, n)
				continue
			}
			Pstar := exact.Pinv(c.X)
			Pe, _ := exact.FromDense(P)
			diff := 0.0
			for i := 0; i < p; i++ {
				for j := 0; j < n; j++ {
					d, _ := new(big.Rat).Sub(Pe.At(i, j), Pstar.At(i, j)).Float64()
					diff += d * d
				}
			}
			diff = math.Sqrt(diff)
			k := c.kappa()
			factor := k
			if m.squares || m.kappaFSquared {
				factor += k * k
			}
			bound := safety * (float64(max(n, p))*u + m.tol) * factor * mat.Norm(Pstar.Dense(), 2)
			if !(diff <= bound) {
				t.Errorf("%s: ‖Pinv − X⁺‖_F = %.3g exceeds %.3g on %s", s.Name(), diff, bound, c)
			}
		}
	}
	t.Logf("%d solvers expose Pinv", found)
}

// TestSolveManyExactOracle checks every MultiSolver column by column against
// the exact solutions, for Y = [consistent y, random y, 0].
func TestSolveManyExactOracle(t *testing.T) {
	cases := seededCases(t, 4)
	lists := [][]solvers.Solver{solvers.MinNorm(), solvers.Ridge(0.5)}
	for li, list := range lists {
		for _, s := range list {
			ms, ok := s.(solvers.MultiSolver)
			if !ok {
				continue
			}
			m := models[s.Name()]
			for i := 0; i+1 < len(cases); i += 2 {
				c, c2 := cases[i], cases[i+1] // same X, two right-hand sides
				n, p := c.dims()
				Y := mat.NewDense(n, 3, nil)
				Y.SetCol(0, c.yf.RawVector().Data)
				Y.SetCol(1, c2.yf.RawVector().Data)
				var W *mat.Dense
				var err error
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s: SolveMany panicked on %s: %v", s.Name(), c, r)
						}
					}()
					W, err = ms.SolveMany(c.Xf, Y)
				}()
				if err != nil {
					if !isRefusal(err) || neverRefuse[s.Name()] {
						t.Errorf("%s: SolveMany on %s: %v", s.Name(), c, err)
					}
					continue
				}
				if W == nil {
					continue
				}
				if r, k := W.Dims(); r != p || k != 3 {
					t.Errorf("%s: SolveMany on %s gave %d×%d, want %d×3", s.Name(), c, r, k, p)
					continue
				}
				for j, cj := range []*intCase{c, c2} {
					var want []*big.Rat
					var bound float64
					if li == 0 {
						want = exact.MinNorm(cj.X, cj.y)
						bound = minNormBound(m, cj, want)
					} else {
						want = exact.Ridge(cj.X, cj.y, big.NewRat(1, 2))
						bound = ridgeBound(m, cj, 0.5, want)
					}
					if d := distance(mat.VecDenseCopyOf(W.ColView(j)), want); !(d <= bound) {
						t.Errorf("%s: SolveMany column %d on %s: error %.3g exceeds %.3g", s.Name(), j, cj, d, bound)
					}
				}
				if mat.Norm(W.ColView(2), math.Inf(1)) != 0 {
					t.Errorf("%s: SolveMany on %s: a zero right-hand side gave a non-zero column", s.Name(), c)
				}
			}
		}
	}
}

// TestReportRank checks that a Reporter that states a rank states the exact
// rank of a small integer matrix (its non-zero singular values are far above
// any documented cut-off), and that SolveReport agrees with Solve bit for bit.
func TestReportRank(t *testing.T) {
	cases := seededCases(t, 5)
	for _, s := range append(solvers.MinNorm(), solvers.Ridge(0)...) {
		rs, ok := s.(solvers.Reporter)
		if !ok {
			continue
		}
		for i, c := range cases {
			if i%2 == 1 {
				continue // the odd cases repeat X with another y
			}
			w1, err1, ok := solveSafely(t, s, c.Xf, c.yf)
			if !ok {
				continue
			}
			var w2 *mat.VecDense
			var rep solvers.Report
			var err2 error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: SolveReport panicked on %s: %v", s.Name(), c, r)
						ok = false
					}
				}()
				w2, rep, err2 = rs.SolveReport(c.Xf, c.yf)
			}()
			if !ok {
				continue
			}
			if (err1 == nil) != (err2 == nil) || (w1 != nil && w2 != nil && !mat.Equal(w1, w2)) {
				t.Errorf("%s on %s: Solve and SolveReport disagree: (%v, %v) vs (%v, %v)", s.Name(), c, w1, err1, w2, err2)
			}
			if err2 == nil && rep.Rank != 0 && rep.Rank != c.rank {
				t.Errorf("%s on %s: Report.Rank = %d, exact rank %d", s.Name(), c, rep.Rank, c.rank)
			}
		}
	}
}

// TestNames checks the names and that the lists hold every documented solver.
func TestNames(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9-]+$`)
	seen := map[string]bool{}
	for _, s := range append(solvers.MinNorm(), solvers.Ridge(1)...) {
		n := s.Name()
		if !valid.MatchString(n) {
			t.Errorf("name %q does not match %v", n, valid)
		}
		if seen[n] {
			t.Errorf("name %q is used twice", n)
		}
		seen[n] = true
	}
	for list, want := range map[string][]string{
		"MinNorm()": {"svd", "cod", "qr", "normal", "newton-schulz", "gd", "nesterov", "cgls", "lsqr", "lsmr", "rek"},
		"Ridge(λ)":  {"ridge-chol", "ridge-dual", "ridge-svd", "ridge-lsqr", "ridge-gd"},
	} {
		have := solverNames(solvers.MinNorm())
		if list == "Ridge(λ)" {
			have = solverNames(solvers.Ridge(1))
		}
		for _, w := range want {
			if !contains(have, w) {
				t.Errorf("%s lacks %q (has %v)", list, w, have)
			}
		}
	}
	// Ridge(λ) must carry λ: the same list for two λ must give different answers.
	X := mat.NewDense(1, 1, []float64{1})
	y := mat.NewVecDense(1, []float64{1})
	for i, s := range solvers.Ridge(1) {
		s3 := solvers.Ridge(3)[i]
		w1, err1, ok1 := solveSafely(t, s, X, y)
		w3, err3, ok3 := solveSafely(t, s3, X, y)
		if !ok1 || !ok3 || err1 != nil || err3 != nil {
			continue // reported elsewhere
		}
		// w_λ = 1/(1 + λ): 1/2 and 1/4.
		if math.Abs(w1.AtVec(0)-0.5) > 1e-8 || math.Abs(w3.AtVec(0)-0.25) > 1e-8 {
			t.Errorf("%s: X = y = 1 gives %v at λ = 1 and %v at λ = 3, want 1/2 and 1/4", s.Name(), w1.AtVec(0), w3.AtVec(0))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestAccuracyModelsCoverLists fails when a solver has no accuracy model, so
// that a new solver cannot silently skip the oracle tests.
func TestAccuracyModelsCoverLists(t *testing.T) {
	for _, s := range append(solvers.MinNorm(), solvers.Ridge(1)...) {
		if _, ok := models[s.Name()]; !ok {
			t.Errorf("solver %q has no accuracy model in conformance_test.go: add one from its documented tolerance", s.Name())
		}
	}
}

// hygieneProblem is a well-conditioned problem for the hygiene checks:
// tall (5×4), wide (4×6) and square (5×5) with inconsistent integer y.
func hygieneProblems(t *testing.T) []*intCase {
	t.Helper()
	t.Logf("hygiene problems from PCG(seed %d, stream 6)", seed)
	rng := rand.New(rand.NewPCG(seed, 6))
	var out []*intCase
	for _, sh := range [][2]int{{5, 4}, {4, 6}, {5, 5}} {
		out = append(out, newIntCase(fmt.Sprintf("hygiene %d×%d", sh[0], sh[1]), randInts(rng, sh[0], sh[1], 5), randInts(rng, 1, sh[0], 5)[0]))
	}
	return out
}

// sameOutcome reports whether two results are bit-identical (or the same
// sentinel errors).
func sameOutcome(w1 *mat.VecDense, e1 error, w2 *mat.VecDense, e2 error) bool {
	if (e1 == nil) != (e2 == nil) {
		return false
	}
	if e1 != nil {
		a, b := sentinelOf(e1), sentinelOf(e2)
		return len(a) == len(b) && (len(a) == 0 || a[0] == b[0])
	}
	if w1 == nil || w2 == nil || w1.Len() != w2.Len() {
		return false
	}
	for i := 0; i < w1.Len(); i++ {
		if math.Float64bits(w1.AtVec(i)) != math.Float64bits(w2.AtVec(i)) {
			return false
		}
	}
	return true
}

// TestHygiene: inputs are not modified; a view into a larger matrix, a
// transpose and a strided y give bit-identical answers to plain copies (the
// pipeline copies every input into fresh storage, so this is fair for every
// solver, randomized ones included: they are seeded).
func TestHygiene(t *testing.T) {
	problems := hygieneProblems(t)
	for _, s := range append(solvers.MinNorm(), solvers.Ridge(0.5)...) {
		for _, c := range problems {
			n, p := c.dims()
			Xc, yc := mat.DenseCopyOf(c.Xf), mat.VecDenseCopyOf(c.yf)
			w0, e0, ok := solveSafely(t, s, Xc, yc)
			if !ok {
				continue
			}
			if !mat.Equal(Xc, c.Xf) || !mat.Equal(yc, c.yf) {
				t.Errorf("%s modified its input on %s", s.Name(), c)
			}

			// A view: X in the middle of a larger matrix filled with junk.
			big := mat.NewDense(n+3, p+4, nil)
			for i := 0; i < n+3; i++ {
				for j := 0; j < p+4; j++ {
					big.Set(i, j, math.NaN()) // junk a careless solver would read
				}
			}
			view := big.Slice(1, 1+n, 2, 2+p).(*mat.Dense)
			view.Copy(c.Xf)
			// A strided y: column 1 of an n×3 matrix, so Inc = 3.
			ystore := mat.NewDense(n, 3, nil)
			for i := 0; i < n; i++ {
				ystore.Set(i, 0, math.Inf(1))
				ystore.Set(i, 2, math.NaN())
			}
			ystore.SetCol(1, c.yf.RawVector().Data)
			ystrided := ystore.ColView(1)
			if ystrided.(*mat.VecDense).RawVector().Inc != 3 {
				t.Fatal("test setup: ColView is not strided")
			}
			bigBefore, ystoreBefore := mat.DenseCopyOf(big), mat.DenseCopyOf(ystore)
			w1, e1, ok1 := solveSafely(t, s, view, ystrided)
			if ok1 && !sameOutcome(w0, e0, w1, e1) {
				t.Errorf("%s on %s: a view and a strided y give %v (%v), the plain copy %v (%v)", s.Name(), c, w1, e1, w0, e0)
			}
			if !sameNaN(big, bigBefore) {
				t.Errorf("%s on %s: the matrix behind the view was modified", s.Name(), c)
			}
			if !sameNaN(ystore, ystoreBefore) {
				t.Errorf("%s on %s: the matrix behind the strided y was modified", s.Name(), c)
			}
			// A transpose: Xᵀ stored p×n, passed as its mat.Transpose.
			Xt := mat.DenseCopyOf(c.Xf.T())
			w2, e2, ok2 := solveSafely(t, s, Xt.T(), c.yf)
			if ok2 && !sameOutcome(w0, e0, w2, e2) {
				t.Errorf("%s on %s: a transposed X gives %v (%v), the plain copy %v (%v)", s.Name(), c, w2, e2, w0, e0)
			}
			// A row of a matrix as y (a RowView, another mat.Vector type path).
			yt := mat.NewDense(1, n, c.yf.RawVector().Data)
			w3, e3, ok3 := solveSafely(t, s, c.Xf, yt.RowView(0))
			if ok3 && !sameOutcome(w0, e0, w3, e3) {
				t.Errorf("%s on %s: a RowView y gives %v (%v), the plain copy %v (%v)", s.Name(), c, w3, e3, w0, e0)
			}

			if e0 != nil && !isRefusal(e0) {
				t.Errorf("%s on %s (well conditioned): %v", s.Name(), c, e0)
			}
		}
	}
}

// TestConcurrent calls one shared solver value from several goroutines at
// once, on shared inputs (views and strided vectors) of three different
// problems, and requires each answer to be bit-identical to the serial one:
// a solver that keeps per-call state in its struct would mix the problems
// (and the race detector, under -race, reports the sharing).
func TestConcurrent(t *testing.T) {
	problems := hygieneProblems(t)
	type input struct {
		X mat.Matrix
		y mat.Vector
	}
	inputs := make([]input, len(problems))
	for i, c := range problems {
		n, p := c.dims()
		store := mat.NewDense(n+1, p+2, nil)
		X := store.Slice(1, 1+n, 1, 1+p).(*mat.Dense)
		X.Copy(c.Xf)
		ystore := mat.NewDense(n, 2, nil)
		ystore.SetCol(0, c.yf.RawVector().Data)
		inputs[i] = input{X, ystore.ColView(0)}
	}
	for _, s := range append(solvers.MinNorm(), solvers.Ridge(0.5)...) {
		serialW := make([]*mat.VecDense, len(inputs))
		serialE := make([]error, len(inputs))
		okAll := true
		for i, in := range inputs {
			var ok bool
			serialW[i], serialE[i], ok = solveSafely(t, s, in.X, in.y)
			okAll = okAll && ok
		}
		if !okAll {
			continue
		}
		const rounds = 3 // goroutines per problem
		g := len(inputs) * rounds
		ws := make([]*mat.VecDense, g)
		es := make([]error, g)
		panics := make([]any, g)
		var wg sync.WaitGroup
		for k := 0; k < g; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[k] = recover() }()
				in := inputs[k%len(inputs)]
				ws[k], es[k] = s.Solve(in.X, in.y)
			}()
		}
		wg.Wait()
		for k := 0; k < g; k++ {
			i := k % len(inputs)
			if panics[k] != nil {
				t.Errorf("%s: concurrent call %d on %s panicked: %v", s.Name(), k, problems[i], panics[k])
			} else if !sameOutcome(serialW[i], serialE[i], ws[k], es[k]) {
				t.Errorf("%s: concurrent call %d on %s gives %v (%v), serial %v (%v)", s.Name(), k, problems[i], ws[k], es[k], serialW[i], serialE[i])
			}
		}
	}
}

// sameNaN is mat.Equal that treats NaN as equal to NaN.
func sameNaN(a, b *mat.Dense) bool {
	r, c := a.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}

// planted is a deliberately broken (or, for the control, exact) solver
// used to show that judge catches each kind of wrong answer.
type planted struct {
	name  string
	solve func(X mat.Matrix, y mat.Vector) (*mat.VecDense, error)
}

func (p planted) Name() string { return p.name }
func (p planted) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	return p.solve(X, y)
}

// nullVector returns a unit vector in null(X) (exactly (I − X⁺X)e_j,
// normalised), or nil when X has full column rank.
func nullVector(c *intCase) *mat.VecDense {
	_, p := c.dims()
	P := exact.Mul(exact.Pinv(c.X), c.X)
	for j := 0; j < p; j++ {
		v := mat.NewVecDense(p, nil)
		for i := 0; i < p; i++ {
			e := new(big.Rat).Neg(P.At(i, j))
			if i == j {
				e.Add(e, big.NewRat(1, 1))
			}
			f, _ := e.Float64()
			v.SetVec(i, f)
		}
		if nv := mat.Norm(v, 2); nv > 0.1 {
			v.ScaleVec(1/nv, v)
			return v
		}
	}
	return nil
}

// TestJudgeCatchesPlantedBugs runs the accuracy judge on planted solvers:
// every broken one must fail and the exact answer must pass, so the
// tolerances are tight enough to catch real bugs and loose enough for a
// correct answer.
func TestJudgeCatchesPlantedBugs(t *testing.T) {
	cases := seededCases(t, 1)
	var deficient, illcond *intCase
	for _, c := range cases {
		n, p := c.dims()
		if deficient == nil && c.rank < p && c.rank < n && strings.Contains(c.name, "random y") {
			deficient = c
		}
		if strings.HasPrefix(c.name, "near-singular") && illcond == nil {
			illcond = c
		}
	}
	if deficient == nil || illcond == nil {
		t.Fatal("test setup: no rank-deficient or ill-conditioned case")
	}
	answer := func(c *intCase, perturb func(w *mat.VecDense)) func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
		return func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
			w := exact.VecFloat(exact.MinNorm(c.X, c.y))
			if perturb != nil {
				perturb(w)
			}
			return w, nil
		}
	}
	alongNull := func(c *intCase, rel float64) func(w *mat.VecDense) {
		return func(w *mat.VecDense) { w.AddScaledVec(w, rel*mat.Norm(w, 2), nullVector(c)) }
	}
	scaleBy := func(f float64) func(w *mat.VecDense) { return func(w *mat.VecDense) { w.ScaleVec(f, w) } }
	ill := illcond.kappa() * illcond.kappa() * u // the normal-equation error level
	for _, b := range []struct {
		what  string
		model string // whose accuracy model judges it
		c     *intCase
		s     planted
		want  outcome
	}{
		{"exact answer, direct model", "svd", deficient, planted{"svd", answer(deficient, nil)}, passed},
		{"exact answer, ill-conditioned", "svd", illcond, planted{"svd", answer(illcond, nil)}, passed},
		{"null-space drift 1e-9", "svd", deficient, planted{"svd", answer(deficient, alongNull(deficient, 1e-9))}, failed},
		{"least squares, not min-norm", "lsqr", deficient, planted{"lsqr", answer(deficient, alongNull(deficient, 1))}, failed},
		{"relative error 1e-6 for an iterative solver", "lsqr", deficient, planted{"lsqr", answer(deficient, scaleBy(1+1e-6))}, failed},
		{"κ²u error from a direct solver", "svd", illcond, planted{"svd", answer(illcond, scaleBy(1+ill))}, failed},
		{"κ²u error from normal equations", "normal", illcond, planted{"normal", answer(illcond, scaleBy(1+ill))}, passed},
		{"refusal by a never-refusing solver", "svd", deficient, planted{"svd", func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
			return nil, fmt.Errorf("svd: %w: planted", solvers.ErrIllConditioned)
		}}, failed},
		{"honest refusal", "qr", deficient, planted{"qr", func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
			return nil, fmt.Errorf("qr: %w: planted", solvers.ErrIllConditioned)
		}}, refused},
		{"error wrapping no sentinel", "qr", deficient, planted{"qr", func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
			return nil, errors.New("not implemented")
		}}, failed},
		{"wrong length", "qr", deficient, planted{"qr", func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
			return mat.NewVecDense(1, nil), nil
		}}, failed},
	} {
		wstar := exact.MinNorm(b.c.X, b.c.y)
		got, ratio, msg := judge(t, b.s, b.c, b.what, wstar, minNormBound(models[b.model], b.c, wstar))
		if got != b.want {
			t.Errorf("planted %q: verdict %v, want %v (ratio %.3g) %s", b.what, got, b.want, ratio, msg)
		} else {
			t.Logf("planted %q: verdict %v as expected (error/bound %.3g)", b.what, got, ratio)
		}
	}
}
