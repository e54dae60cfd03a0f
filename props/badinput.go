package props

import (
	"errors"
	"fmt"
	"math"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// CheckInput calls s.Solve(X, y) on any input, valid or not, and returns a
// non-nil error describing a breach of the solvers contract:
//
//   - a panic;
//   - an error that wraps none of the documented sentinels (ErrShape,
//     ErrNotFinite, ErrIllConditioned, ErrNotConverged, ErrBadParameter);
//   - no error, or one that is not ErrShape, for a nil or empty X or y or
//     len(y) ≠ rows of X;
//   - no error, or one that is neither ErrNotFinite nor ErrShape, when X or
//     y holds a NaN or an infinity;
//   - an answer of the wrong length or with a non-finite entry.
//
// A valid finite input (huge, subnormal, zero) may be answered or refused
// (ErrIllConditioned, ErrNotConverged); its accuracy is the other
// properties' business. The fuzz targets and bad-input are built on it.
func CheckInput(s solvers.Solver, X mat.Matrix, y mat.Vector) error {
	return checkInput(s, X, y, false, 0)
}

// checkInput is CheckInput for a min-norm solver or (ridge) a ridge solver
// built with penalty lambda. An invalid penalty requires
// ErrBadParameter. A valid one may also get ErrBadParameter when λ/max|X|²
// overflows: the solvers pipeline scales X to max|X| ∈ [½, 1) and documents
// that refusal (solvers/input.go), since the scaled penalty is not
// representable.
func checkInput(s solvers.Solver, X mat.Matrix, y mat.Vector, ridge bool, lambda float64) error {
	badLambda := ridge && !validLambda(lambda)
	w, err := callSolve(s, X, y)
	var pe *panicError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s panicked: %w", s.Name(), err)
	}
	if err != nil && !wrapsSentinel(err) {
		return fmt.Errorf("%s: error wraps no documented sentinel: %v", s.Name(), err)
	}
	n, p, shapeOK := shapeOf(X, y)
	finite := shapeOK && allFinite(X, y)
	switch {
	case badLambda && shapeOK && finite:
		if !errors.Is(err, solvers.ErrBadParameter) {
			return fmt.Errorf("%s: invalid λ gave %v, want ErrBadParameter", s.Name(), err)
		}
	case badLambda:
		if err == nil || isRefusal(err) {
			return fmt.Errorf("%s: invalid λ and input gave %v, want ErrBadParameter, ErrShape or ErrNotFinite", s.Name(), err)
		}
	case !shapeOK:
		if !errors.Is(err, solvers.ErrShape) {
			return fmt.Errorf("%s: bad shape gave %v, want ErrShape", s.Name(), err)
		}
	case !finite:
		if !errors.Is(err, solvers.ErrNotFinite) {
			return fmt.Errorf("%s: non-finite input gave %v, want ErrNotFinite", s.Name(), err)
		}
	case err != nil:
		if !isRefusal(err) && !(ridge && errors.Is(err, solvers.ErrBadParameter) && lambdaOverflows(lambda, X)) {
			return fmt.Errorf("%s: valid finite %d×%d input gave %v, want an answer or a refusal", s.Name(), n, p, err)
		}
	case w == nil || w.Len() != p:
		return fmt.Errorf("%s: answer %v has the wrong length (p = %d)", s.Name(), w, p)
	default:
		for i := 0; i < p; i++ {
			if v := w.AtVec(i); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s: answer has w[%d] = %v", s.Name(), i, v)
			}
		}
	}
	return nil
}

// sentinels are the documented errors of package solvers.
var sentinels = []error{solvers.ErrShape, solvers.ErrNotFinite, solvers.ErrIllConditioned, solvers.ErrNotConverged, solvers.ErrBadParameter}

func wrapsSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// shapeOf returns the dimensions and whether X and y form a valid shape:
// both non-nil, X non-empty, len(y) = rows of X.
func shapeOf(X mat.Matrix, y mat.Vector) (n, p int, ok bool) {
	if isNil(X) || isNil(y) {
		return 0, 0, false
	}
	n, p = X.Dims()
	return n, p, n > 0 && p > 0 && y.Len() == n
}

// isNil reports a nil interface or a nil *mat.Dense / *mat.VecDense.
func isNil(v any) bool {
	switch m := v.(type) {
	case nil:
		return true
	case *mat.Dense:
		return m == nil
	case *mat.VecDense:
		return m == nil
	}
	return false
}

func allFinite(X mat.Matrix, y mat.Vector) bool {
	n, p := X.Dims()
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			if v := X.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		if v := y.AtVec(i); math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// hostileValues are the entries bad-input and the fuzz targets draw from.
var hostileValues = []float64{
	0, 1, -1, 0.5, 3, math.NaN(), math.Inf(1), math.Inf(-1),
	math.MaxFloat64, -math.MaxFloat64, 1e300, 1e-300,
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, 1e-310,
}

// hostileInput draws a possibly invalid X and y: dimensions 0 to 5, len(y)
// sometimes wrong, nil X or y, entries from hostileValues or N(0, 1)-like
// values, zero rows.
func hostileInput(t *rapid.T) (mat.Matrix, mat.Vector) {
	n := rapid.IntRange(0, 5).Draw(t, "n")
	p := rapid.IntRange(0, 5).Draw(t, "p")
	m := n
	if rapid.IntRange(0, 4).Draw(t, "y length wrong") == 0 {
		m = rapid.IntRange(0, 6).Draw(t, "len(y)")
	}
	val := rapid.OneOf(rapid.SampledFrom(hostileValues), rapid.Float64Range(-10, 10))
	var X mat.Matrix
	switch {
	case rapid.IntRange(0, 15).Draw(t, "nil X") == 0:
		X = nil
	case n == 0 || p == 0:
		X = &mat.Dense{}
	default:
		d := mat.NewDense(n, p, nil)
		zeroRow := rapid.IntRange(-1, n-1).Draw(t, "zero row")
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				if i != zeroRow {
					d.Set(i, j, val.Draw(t, "X entry"))
				}
			}
		}
		X = d
	}
	var y mat.Vector
	switch {
	case rapid.IntRange(0, 15).Draw(t, "nil y") == 0:
		y = nil
	case m == 0:
		y = &mat.VecDense{}
	default:
		v := mat.NewVecDense(m, nil)
		for i := 0; i < m; i++ {
			v.SetVec(i, val.Draw(t, "y entry"))
		}
		y = v
	}
	return X, y
}

// BadInput checks CheckInput on hostile inputs drawn by rapid: NaN, ±Inf,
// huge, subnormal and zero entries, zero rows, empty and nil matrices,
// mismatched lengths. Fed to rapid.MakeFuzz it becomes a fuzz target.
func BadInput(s solvers.Solver) func(*rapid.T) { return badInput(s, new(tally)) }

func badInput(s solvers.Solver, tl *tally) func(*rapid.T) {
	return func(t *rapid.T) {
		X, y := hostileInput(t)
		if err := checkInput(s, X, y, false, 0); err != nil {
			t.Fatalf("bad input: %v", err)
		}
		tl.answered.Add(1)
	}
}

// hostileLambda draws a penalty, valid or not.
func hostileLambda(t *rapid.T) float64 {
	return rapid.SampledFrom([]float64{1, 0, 1e-3, 1e3, 1e300, 5e-324, -1, -0.0, math.NaN(), math.Inf(1), math.Inf(-1)}).Draw(t, "λ")
}

// lambdaOverflows reports whether λ·4^−e overflows, max|X| = f·2^e, f ∈ [½, 1).
func lambdaOverflows(lambda float64, X mat.Matrix) bool {
	n, p := X.Dims()
	m := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			m = math.Max(m, math.Abs(X.At(i, j)))
		}
	}
	_, e := math.Frexp(m)
	return math.IsInf(math.Ldexp(lambda, -2*e), 0)
}

// validLambda reports whether λ is a valid penalty: finite and ≥ 0.
func validLambda(l float64) bool { return l >= 0 && !math.IsInf(l, 1) }

func ridgeBadInput(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	return func(t *rapid.T) {
		l := hostileLambda(t)
		X, y := hostileInput(t)
		if err := checkInput(newSolver(l), X, y, true, l); err != nil {
			t.Fatalf("bad input (λ = %v): %v", l, err)
		}
		tl.answered.Add(1)
	}
}

// ridgeHygiene is Hygiene for the ridge solver at a drawn penalty.
func ridgeHygiene(newSolver func(float64) solvers.Solver, tl *tally) func(*rapid.T) {
	return func(t *rapid.T) {
		l := math.Pow(10, rapid.Float64Range(-6, 2).Draw(t, "log10 λ"))
		hygiene(newSolver(l), tl)(t)
	}
}
