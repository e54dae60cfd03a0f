package solvers_test

// Error paths of the contract, for every solver in solvers.MinNorm() and
// solvers.Ridge(λ): each bad input gives an error that wraps exactly the
// documented sentinel, names the solver, returns no vector, and never panics.

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// The constructors, for the option tests. A solver in the lists without an
// entry here fails TestConstructorsCoverLists.
var (
	minNormCtors = map[string]func(...solvers.Option) solvers.Solver{
		"svd":           func(o ...solvers.Option) solvers.Solver { return solvers.NewSVD(o...) },
		"cod":           func(o ...solvers.Option) solvers.Solver { return solvers.NewCOD(o...) },
		"qr":            func(o ...solvers.Option) solvers.Solver { return solvers.NewQR(o...) },
		"normal":        func(o ...solvers.Option) solvers.Solver { return solvers.NewNormal(o...) },
		"newton-schulz": func(o ...solvers.Option) solvers.Solver { return solvers.NewNewtonSchulz(o...) },
		"gd":            func(o ...solvers.Option) solvers.Solver { return solvers.NewGD(o...) },
		"nesterov":      func(o ...solvers.Option) solvers.Solver { return solvers.NewNesterov(o...) },
		"cgls":          func(o ...solvers.Option) solvers.Solver { return solvers.NewCGLS(o...) },
		"lsqr":          func(o ...solvers.Option) solvers.Solver { return solvers.NewLSQR(o...) },
		"lsmr":          func(o ...solvers.Option) solvers.Solver { return solvers.NewLSMR(o...) },
		"rek":           func(o ...solvers.Option) solvers.Solver { return solvers.NewREK(o...) },
		"sketch":        func(o ...solvers.Option) solvers.Solver { return solvers.NewSketch(o...) },
	}
	ridgeCtors = map[string]func(float64, ...solvers.Option) solvers.Solver{
		"ridge-chol": func(l float64, o ...solvers.Option) solvers.Solver { return solvers.NewRidgeChol(l, o...) },
		"ridge-dual": func(l float64, o ...solvers.Option) solvers.Solver { return solvers.NewRidgeDual(l, o...) },
		"ridge-svd":  func(l float64, o ...solvers.Option) solvers.Solver { return solvers.NewRidgeSVD(l, o...) },
		"ridge-lsqr": func(l float64, o ...solvers.Option) solvers.Solver { return solvers.NewRidgeLSQR(l, o...) },
		"ridge-gd":   func(l float64, o ...solvers.Option) solvers.Solver { return solvers.NewRidgeGD(l, o...) },
	}
)

// ctorFor returns a constructor with options for the solver s of the lists
// (ridge solvers at λ = 1/2), or nil.
func ctorFor(s solvers.Solver) func(...solvers.Option) solvers.Solver {
	if c, ok := minNormCtors[s.Name()]; ok {
		return c
	}
	if c, ok := ridgeCtors[s.Name()]; ok {
		return func(o ...solvers.Option) solvers.Solver { return c(0.5, o...) }
	}
	return nil
}

func allSolvers() []solvers.Solver { return append(solvers.MinNorm(), solvers.Ridge(0.5)...) }

func TestConstructorsCoverLists(t *testing.T) {
	for _, s := range allSolvers() {
		c := ctorFor(s)
		if c == nil {
			t.Errorf("solver %q has no constructor in errors_test.go: add it", s.Name())
			continue
		}
		if got := c().Name(); got != s.Name() {
			t.Errorf("constructor for %q builds %q", s.Name(), got)
		}
	}
}

// wantError checks that err wraps exactly the sentinel want, names the
// solver, and comes with no vector.
func wantError(t *testing.T, name, what string, w *mat.VecDense, err, want error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s, %s: no error (w = %v), want %v", name, what, w, want)
		return
	}
	got := sentinelOf(err)
	switch {
	case len(got) == 0:
		t.Errorf("%s, %s: error %q wraps no sentinel, want %v", name, what, err, want)
	case len(got) > 1:
		t.Errorf("%s, %s: error %q wraps %d sentinels %v, want exactly %v", name, what, err, len(got), got, want)
	case got[0] != want:
		t.Errorf("%s, %s: error %q wraps %v, want %v", name, what, err, got[0], want)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("%s, %s: error %q does not name the solver", name, what, err)
	}
	if w != nil {
		t.Errorf("%s, %s: returned a vector %v alongside the error", name, what, w)
	}
}

func goodX() *mat.Dense    { return mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}) }
func goodY() *mat.VecDense { return mat.NewVecDense(3, []float64{1, 2, 3}) }
func withX(i, j int, v float64) *mat.Dense {
	X := goodX()
	X.Set(i, j, v)
	return X
}
func withY(i int, v float64) *mat.VecDense {
	y := goodY()
	y.SetVec(i, v)
	return y
}

// badInputs are the inputs every solver must reject, with the sentinel.
func badInputs() []struct {
	what string
	X    mat.Matrix
	y    mat.Vector
	want error
} {
	nan, inf := math.NaN(), math.Inf(1)
	return []struct {
		what string
		X    mat.Matrix
		y    mat.Vector
		want error
	}{
		{"len(y) < rows", goodX(), mat.NewVecDense(2, []float64{1, 2}), solvers.ErrShape},
		{"len(y) > rows", goodX(), mat.NewVecDense(4, []float64{1, 2, 3, 4}), solvers.ErrShape},
		{"empty X, empty y", &mat.Dense{}, &mat.VecDense{}, solvers.ErrShape},
		{"empty X", &mat.Dense{}, goodY(), solvers.ErrShape},
		{"empty y", goodX(), &mat.VecDense{}, solvers.ErrShape},
		{"nil X", nil, goodY(), solvers.ErrShape},
		{"typed nil X", (*mat.Dense)(nil), goodY(), solvers.ErrShape},
		{"nil y", goodX(), nil, solvers.ErrShape},
		{"typed nil y", goodX(), (*mat.VecDense)(nil), solvers.ErrShape},
		{"nil X and y", nil, nil, solvers.ErrShape},
		{"NaN in X", withX(1, 0, nan), goodY(), solvers.ErrNotFinite},
		{"+Inf in X", withX(2, 1, inf), goodY(), solvers.ErrNotFinite},
		{"−Inf in X", withX(0, 0, -inf), goodY(), solvers.ErrNotFinite},
		{"NaN in y", goodX(), withY(1, nan), solvers.ErrNotFinite},
		{"+Inf in y", goodX(), withY(0, inf), solvers.ErrNotFinite},
		{"−Inf in y", goodX(), withY(2, -inf), solvers.ErrNotFinite},
		// The zero quick return must not skip the finiteness check.
		{"NaN in X, y = 0", withX(0, 1, nan), mat.NewVecDense(3, nil), solvers.ErrNotFinite},
		{"X = 0, NaN in y", mat.NewDense(3, 2, nil), withY(0, nan), solvers.ErrNotFinite},
		{"NaN in a transposed X", withX(1, 1, nan).T(), mat.NewVecDense(2, []float64{1, 2}), solvers.ErrNotFinite},
	}
}

func TestErrorPaths(t *testing.T) {
	for _, s := range allSolvers() {
		for _, b := range badInputs() {
			w, err, ok := solveSafely(t, s, b.X, b.y)
			if ok {
				wantError(t, s.Name(), b.what, w, err, b.want)
			}
		}
	}
}

// TestRidgeBadLambda: λ = −1, NaN, ±Inf and a tiny negative λ are rejected.
func TestRidgeBadLambda(t *testing.T) {
	for _, lam := range []float64{-1, math.NaN(), math.Inf(1), math.Inf(-1), -math.SmallestNonzeroFloat64} {
		for _, s := range solvers.Ridge(lam) {
			w, err, ok := solveSafely(t, s, goodX(), goodY())
			if ok {
				wantError(t, s.Name(), fmt.Sprintf("λ = %v", lam), w, err, solvers.ErrBadParameter)
			}
		}
	}
	// λ = −0 is zero, a valid penalty (not an error of any kind other than a refusal).
	for _, s := range solvers.Ridge(math.Copysign(0, -1)) {
		if _, err, ok := solveSafely(t, s, goodX(), goodY()); ok && err != nil && !isRefusal(err) {
			t.Errorf("%s: λ = −0 gives %v", s.Name(), err)
		}
	}
}

// TestBadOptions: out-of-range option values are rejected by every solver,
// whether or not it accepts the option.
func TestBadOptions(t *testing.T) {
	bad := map[string]solvers.Option{
		"WithTol(0)":      solvers.WithTol(0),
		"WithTol(−1)":     solvers.WithTol(-1),
		"WithTol(NaN)":    solvers.WithTol(math.NaN()),
		"WithTol(+Inf)":   solvers.WithTol(math.Inf(1)),
		"WithMaxIter(0)":  solvers.WithMaxIter(0),
		"WithMaxIter(−1)": solvers.WithMaxIter(-1),
		"WithRCond(−0.1)": solvers.WithRCond(-0.1),
		"WithRCond(1)":    solvers.WithRCond(1),
		"WithRCond(NaN)":  solvers.WithRCond(math.NaN()),
		"WithStart(nil)":  solvers.WithStart(nil),
		"WithStart(NaN)":  solvers.WithStart(mat.NewVecDense(2, []float64{0, math.NaN()})),
		"a nil Option":    nil,
	}
	for _, s := range allSolvers() {
		ctor := ctorFor(s)
		if ctor == nil {
			continue // reported by TestConstructorsCoverLists
		}
		for what, o := range bad {
			var sv solvers.Solver
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: constructor panicked with %s: %v", s.Name(), what, r)
					}
				}()
				sv = ctor(o)
			}()
			if sv == nil {
				continue
			}
			w, err, ok := solveSafely(t, sv, goodX(), goodY())
			if ok {
				wantError(t, s.Name(), what, w, err, solvers.ErrBadParameter)
			}
		}
	}
}

// TestUnacceptedOptions probes every valid option on every solver: each is
// either accepted (the solve succeeds or refuses honestly) or rejected with
// ErrBadParameter, never ignored silently in some other way; every solver
// rejects at least one of them (no solver takes all five: WithStart is for
// the gradient methods only, WithRCond for the rank-revealing ones).
func TestUnacceptedOptions(t *testing.T) {
	valid := []struct {
		what string
		opt  solvers.Option
	}{
		{"WithTol(1e-8)", solvers.WithTol(1e-8)},
		{"WithMaxIter(100000)", solvers.WithMaxIter(100000)},
		{"WithSeed(7)", solvers.WithSeed(7)},
		{"WithRCond(1e-12)", solvers.WithRCond(1e-12)},
		{"WithStart(0)", solvers.WithStart(mat.NewVecDense(2, nil))},
	}
	for _, s := range allSolvers() {
		ctor := ctorFor(s)
		if ctor == nil {
			continue
		}
		var accepted, rejected []string
		for _, v := range valid {
			w, err, ok := solveSafely(t, ctor(v.opt), goodX(), goodY())
			switch {
			case !ok:
			case err == nil, isRefusal(err):
				accepted = append(accepted, v.what)
			default:
				rejected = append(rejected, v.what)
				wantError(t, s.Name(), "unaccepted "+v.what, w, err, solvers.ErrBadParameter)
			}
		}
		t.Logf("%-14s accepts %v", s.Name(), accepted)
		if len(rejected) == 0 {
			t.Errorf("%s accepts every option, even those no solver uses", s.Name())
		}
		if contains(accepted, "WithStart(0)") {
			// A start vector of the wrong length is a shape error.
			w, err, ok := solveSafely(t, ctor(solvers.WithStart(mat.NewVecDense(3, nil))), goodX(), goodY())
			if ok {
				wantError(t, s.Name(), "WithStart of length 3 for p = 2", w, err, solvers.ErrShape)
			}
		}
	}
}

// TestPinvAndSolveManyErrors covers the error paths of the optional
// interfaces: Pinv on bad X, SolveMany on bad X or Y.
func TestPinvAndSolveManyErrors(t *testing.T) {
	nan := math.NaN()
	for _, s := range allSolvers() {
		if pi, ok := s.(solvers.Pseudoinverter); ok {
			for _, b := range []struct {
				what string
				X    mat.Matrix
				want error
			}{
				{"nil X", nil, solvers.ErrShape},
				{"typed nil X", (*mat.Dense)(nil), solvers.ErrShape},
				{"empty X", &mat.Dense{}, solvers.ErrShape},
				{"NaN in X", withX(0, 0, nan), solvers.ErrNotFinite},
				{"−Inf in X", withX(2, 1, math.Inf(-1)), solvers.ErrNotFinite},
			} {
				P, err := callPinv(t, pi, b.X)
				if err != nil || P != nil {
					checkMatrixError(t, s.Name(), "Pinv, "+b.what, P, err, b.want)
				}
			}
			// Pinv(0) = 0ᵀ.
			if P, err := callPinv(t, pi, mat.NewDense(2, 3, nil)); err != nil || P == nil {
				t.Errorf("%s: Pinv of the 2×3 zero matrix: %v", s.Name(), err)
			} else if r, c := P.Dims(); r != 3 || c != 2 || mat.Norm(P, 1) != 0 {
				t.Errorf("%s: Pinv of the 2×3 zero matrix is not the 3×2 zero matrix: %v", s.Name(), mat.Formatted(P))
			}
		}
		if ms, ok := s.(solvers.MultiSolver); ok {
			Y := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
			Ynan := mat.DenseCopyOf(Y)
			Ynan.Set(2, 1, nan)
			for _, b := range []struct {
				what string
				X, Y mat.Matrix
				want error
			}{
				{"Y rows ≠ X rows", goodX(), mat.NewDense(2, 2, nil), solvers.ErrShape},
				{"nil Y", goodX(), nil, solvers.ErrShape},
				{"empty Y", goodX(), &mat.Dense{}, solvers.ErrShape},
				{"nil X", nil, Y, solvers.ErrShape},
				{"NaN in Y", goodX(), Ynan, solvers.ErrNotFinite},
				{"NaN in X", withX(1, 1, nan), Y, solvers.ErrNotFinite},
			} {
				W, err := callSolveMany(t, ms, b.X, b.Y)
				if err != nil || W != nil {
					checkMatrixError(t, s.Name(), "SolveMany, "+b.what, W, err, b.want)
				}
			}
		}
	}
}

func callPinv(t *testing.T, pi solvers.Pseudoinverter, X mat.Matrix) (P *mat.Dense, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: Pinv panicked: %v", pi.Name(), r)
			P, err = nil, nil
		}
	}()
	return pi.Pinv(X)
}

func callSolveMany(t *testing.T, ms solvers.MultiSolver, X, Y mat.Matrix) (W *mat.Dense, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: SolveMany panicked: %v", ms.Name(), r)
			W, err = nil, nil
		}
	}()
	return ms.SolveMany(X, Y)
}

func checkMatrixError(t *testing.T, name, what string, M *mat.Dense, err, want error) {
	t.Helper()
	if M != nil {
		t.Errorf("%s, %s: returned a matrix alongside error %v", name, what, err)
	}
	wantError(t, name, what, nil, err, want)
}

// TestErrorsAreSentinels double-checks the sentinels themselves: distinct,
// and not wrapping each other (otherwise "exactly one" could not hold).
func TestErrorsAreSentinels(t *testing.T) {
	for i, a := range sentinels {
		for j, b := range sentinels {
			if i != j && errors.Is(a, b) {
				t.Errorf("sentinel %v wraps %v", a, b)
			}
		}
	}
}
