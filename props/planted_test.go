package props

import (
	"flag"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// The suite must be able to fail. Each planted bug below is a deliberately
// broken solver built on the references of reference_test.go; the suite is
// run on it through a recording rapid.TB (rapid.Check takes any TB), so a
// property failure is observed rather than failing this test. The test
// fails unless every planted bug is caught.

// recorder is a rapid.TB that records failures instead of reporting them.
type recorder struct {
	name   string
	mu     sync.Mutex
	failed bool
	msg    string
}

func (r *recorder) Helper()             {}
func (r *recorder) Name() string        { return r.name }
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Log(...any)          {}
func (r *recorder) Skipf(f string, a ...any) {
	panic("planted: unexpected Skip: " + fmt.Sprintf(f, a...))
}
func (r *recorder) Skip(a ...any)             { panic(fmt.Sprint("planted: unexpected Skip: ", a)) }
func (r *recorder) SkipNow()                  { panic("planted: unexpected SkipNow") }
func (r *recorder) Errorf(f string, a ...any) { r.fail(fmt.Sprintf(f, a...)) }
func (r *recorder) Error(a ...any)            { r.fail(fmt.Sprint(a...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.fail(fmt.Sprintf(f, a...)) }
func (r *recorder) Fatal(a ...any)            { r.fail(fmt.Sprint(a...)) }
func (r *recorder) FailNow()                  { r.fail("") }
func (r *recorder) Fail()                     { r.fail("") }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

func (r *recorder) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	if r.msg == "" {
		r.msg = msg
	}
}

// catch runs every property and returns the names of those that fail, with
// the first failing property's first message line.
func catch(ps []Property) (caughtBy []string, msg string) {
	for _, p := range ps {
		r := &recorder{name: "planted/" + p.Name}
		rapid.Check(r, p.Check)
		if r.Failed() {
			if msg == "" {
				msg, _, _ = strings.Cut(r.msg, "\n")
			}
			caughtBy = append(caughtBy, p.Name)
		}
	}
	return caughtBy, msg
}

// setFlag sets a rapid flag for the duration of the test.
func setFlag(t *testing.T, name, value string) {
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set(name, old) })
}

// nullAdder adds a null-space vector of relative size 10⁻⁶ to the min-norm
// answer (when null(X) ≠ {0}).
type nullAdder struct{ refSVD }

func (nullAdder) Name() string { return "adds-null-vector" }
func (nullAdder) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, err := refSVD{}.Solve(X, y)
	if err != nil {
		return nil, err
	}
	return w, addNull(X, w, 1e-6)
}

// addNull adds size·‖w‖ (or size, when w = 0) times a unit vector of null(X) to w.
func addNull(X mat.Matrix, w *mat.VecDense, size float64) error {
	Xd := mat.DenseCopyOf(X)
	_, k := refFactor(Xd)
	_, p := Xd.Dims()
	if k == p {
		return nil
	}
	var full mat.Dense // the last column of the full V spans part of null(X)
	var s2 mat.SVD
	s2.Factorize(Xd, mat.SVDFull)
	s2.VTo(&full)
	scale := size * math.Max(norm2(w), 1e-300)
	w.AddScaledVec(w, scale, full.ColView(p-1))
	return nil
}

// basicLS is a least-squares solver that is not min-norm on rank-deficient
// tall X: it returns X⁺y plus a unit null-space vector times ‖w‖ when n ≥ p
// (a "basic" solution, as pivoted QR without the final orthogonal step gives).
type basicLS struct{ refSVD }

func (basicLS) Name() string { return "not-min-norm-tall" }
func (basicLS) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, err := refSVD{}.Solve(X, y)
	if err != nil {
		return nil, err
	}
	if n, p := X.Dims(); n >= p {
		return w, addNull(X, w, 1)
	}
	return w, nil
}

// normalNeverRefuses solves the normal equations XᵀXw = Xᵀy (tall) or
// XXᵀa = y, w = Xᵀa (wide) by Cholesky, and when Cholesky breaks down adds
// a jitter and carries on instead of refusing.
type normalNeverRefuses struct{}

func (normalNeverRefuses) Name() string { return "normal-never-refuses" }
func (normalNeverRefuses) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	Xd, yd, ex, ey, err := refInput("normal-never-refuses", X, y)
	if err != nil {
		return nil, err
	}
	n, p := Xd.Dims()
	var G mat.SymDense
	wide := p > n
	if wide {
		G.SymOuterK(1, Xd)
	} else {
		G.SymOuterK(1, Xd.T())
	}
	k, _ := G.Dims()
	var ch mat.Cholesky
	// Jitter the diagonal until Cholesky succeeds, a bounded number of times:
	// the doubling from 1e-300 passes 1e300 after about 2000 steps, and a Gram
	// matrix that still fails (non-finite entries) would otherwise loop
	// forever. Then return 0, silently wrong, as this planted bug would.
	for jitter, tries := 0.0, 0; !ch.Factorize(&G); jitter, tries = math.Max(2*jitter, 1e-300), tries+1 {
		if tries > 2100 {
			return mat.NewVecDense(p, nil), nil
		}
		for i := 0; i < k; i++ {
			G.SetSym(i, i, G.At(i, i)+jitter)
		}
	}
	w := mat.NewVecDense(p, nil)
	if wide {
		a := mat.NewVecDense(n, nil)
		if err := ch.SolveVecTo(a, yd); err != nil && a.Len() == 0 {
			return nil, err
		}
		w.MulVec(Xd.T(), a)
	} else {
		b := mat.NewVecDense(p, nil)
		b.MulVec(Xd.T(), yd)
		_ = ch.SolveVecTo(w, b)
	}
	for i := 0; i < p; i++ {
		if v := w.AtVec(i); math.IsNaN(v) || math.IsInf(v, 0) {
			w.SetVec(i, 0) // hide the breakdown, too
		}
	}
	return unscaleRef("normal-never-refuses", w, ey-ex)
}

// scribbler answers correctly but then adds 1 to y[0].
type scribbler struct{ refSVD }

func (scribbler) Name() string { return "scribbles-on-y" }
func (scribbler) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, err := refSVD{}.Solve(X, y)
	if err != nil {
		return nil, err
	}
	if yd, ok := y.(*mat.VecDense); ok {
		yd.SetVec(0, yd.AtVec(0)+1)
	}
	return w, nil
}

// panicsOnNaN solves correctly on finite input and panics on a NaN.
type panicsOnNaN struct{ refSVD }

func (panicsOnNaN) Name() string { return "panics-on-nan" }
func (panicsOnNaN) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	if !isNil(X) {
		n, p := X.Dims()
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				if math.IsNaN(X.At(i, j)) {
					panic("NaN in X")
				}
			}
		}
	}
	return refSVD{}.Solve(X, y)
}

// TestPlantedBugs runs the suite on each planted bug and requires that
// every one is caught.
func TestPlantedBugs(t *testing.T) {
	setFlag(t, "rapid.nofailfile", "true")
	setFlag(t, "rapid.shrinktime", "2s")
	// 100 cases per property whatever -short or RAPID_CHECKS say: each bug
	// is met within about 25 cases, and more only slow make test-long down.
	setFlag(t, "rapid.checks", "100")
	ones := func(p int) mat.Vector {
		v := mat.NewVecDense(p, nil)
		for i := 0; i < p; i++ {
			v.SetVec(i, 1)
		}
		return v
	}
	bugs := []struct {
		name  string
		props []Property
	}{
		{"adds a small null-space vector", MinNormProperties(nullAdder{})},
		{"least squares but not min-norm on rank-deficient tall X", MinNormProperties(basicLS{})},
		{"normal equations that never refuse", MinNormProperties(WithAccuracy(normalNeverRefuses{}, Accuracy{Eps: unitRoundoff, Squared: true}))},
		{"scribbles on y", MinNormProperties(scribbler{})},
		{"ridge with λ off by a factor of 2", RidgeProperties(func(l float64) solvers.Solver { return refRidge{2 * l} })},
		{"GD started away from zero", MinNormProperties(WithAccuracy(startedAt{ones}, refGDClaim))},
		{"panics on NaN", MinNormProperties(panicsOnNaN{})},
	}
	caught := 0
	for _, b := range bugs {
		if by, msg := catch(b.props); len(by) > 0 {
			caught++
			t.Logf("caught %q by %s\n\tfirst: %s", b.name, strings.Join(by, ", "), msg)
		} else {
			t.Errorf("NOT caught: %q passes every property", b.name)
		}
	}
	t.Logf("planted bugs caught: %d of %d", caught, len(bugs))
}

// startedAt is reference GD started at start(p) instead of 0.
type startedAt struct{ start func(p int) mat.Vector }

func (startedAt) Name() string { return "gd-started-at-ones" }
func (s startedAt) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	p := 0
	if !isNil(X) {
		_, p = X.Dims()
	}
	if p == 0 {
		return refGD{}.Solve(X, y)
	}
	return refGD{w0: s.start(p)}.Solve(X, y)
}
