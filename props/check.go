package props

import (
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"sync/atomic"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// tally counts the cases a property saw answered and refused. It is safe for
// concurrent use.
type tally struct {
	answered, refused atomic.Int64
}

func (tl *tally) String() string {
	return fmt.Sprintf("%d answered, %d refused (ErrIllConditioned or ErrNotConverged)", tl.answered.Load(), tl.refused.Load())
}

// panicError is a panic inside a solver, turned into a value.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.value, e.stack) }

// callSolve calls s.Solve and turns a panic into a *panicError.
func callSolve(s solvers.Solver, X mat.Matrix, y mat.Vector) (w *mat.VecDense, err error) {
	defer func() {
		if v := recover(); v != nil {
			w, err = nil, &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return s.Solve(X, y)
}

// callPinv calls s.Pinv and turns a panic into a *panicError.
func callPinv(s solvers.Pseudoinverter, X mat.Matrix) (P *mat.Dense, err error) {
	defer func() {
		if v := recover(); v != nil {
			P, err = nil, &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return s.Pinv(X)
}

// isRefusal reports whether err is an honest refusal, which passes a case.
func isRefusal(err error) bool {
	return errors.Is(err, solvers.ErrIllConditioned) || errors.Is(err, solvers.ErrNotConverged)
}

// solve runs s on (X, y), which must be a valid problem with p columns. It
// returns the answer and true, or nil and false after counting a refusal.
// A panic, any other error, a nil or wrongly sized answer, or a non-finite
// entry fails the case, each at its own call site so that rapid's shrinker
// keeps the failure kind.
func solve(t *rapid.T, tl *tally, s solvers.Solver, X mat.Matrix, y mat.Vector) (*mat.VecDense, bool) {
	t.Helper()
	_, p := X.Dims()
	w, err := callSolve(s, X, y)
	var pe *panicError
	switch {
	case errors.As(err, &pe):
		t.Fatalf("%s panicked: %v", s.Name(), err)
	case err != nil && isRefusal(err):
		tl.refused.Add(1)
		t.Logf("refused: %v", err)
		return nil, false
	case err != nil:
		t.Fatalf("%s returned an error that is not a refusal on a valid input: %v", s.Name(), err)
	case w == nil:
		t.Fatalf("%s returned a nil vector and a nil error", s.Name())
	case w.Len() != p:
		t.Fatalf("%s returned a vector of length %d, want p = %d", s.Name(), w.Len(), p)
	}
	for i := 0; i < p; i++ {
		if v := w.AtVec(i); math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%s returned a non-finite entry w[%d] = %v", s.Name(), i, v)
		}
	}
	tl.answered.Add(1)
	return w, true
}

// norm2 returns the Euclidean norm of v.
func norm2(v mat.Vector) float64 { return mat.Norm(v, 2) }

// residual returns y − X·w.
func residual(X mat.Matrix, y mat.Vector, w mat.Vector) *mat.VecDense {
	r := mat.NewVecDense(y.Len(), nil)
	r.MulVec(X, w)
	r.SubVec(y, r)
	return r
}

// nullPart returns (I − V·Vᵀ)·w, the component of w orthogonal to the span
// of the orthonormal columns of V (all of w when V is nil).
func nullPart(V *mat.Dense, w mat.Vector) *mat.VecDense {
	out := mat.VecDenseCopyOf(w)
	if V == nil {
		return out
	}
	_, k := V.Dims()
	c := mat.NewVecDense(k, nil)
	c.MulVec(V.T(), w)
	proj := mat.NewVecDense(w.Len(), nil)
	proj.MulVec(V, c)
	out.SubVec(out, proj)
	return out
}

// distance returns ‖a − b‖.
func distance(a, b mat.Vector) float64 {
	d := mat.VecDenseCopyOf(a)
	d.SubVec(d, b)
	return norm2(d)
}

// problemOf draws a problem and labels it, so the shrunk counterexample
// prints its GoString.
func problemOf(t *rapid.T, g *rapid.Generator[*Problem]) *Problem {
	return g.Draw(t, "problem")
}
