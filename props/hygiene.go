package props

import (
	"errors"
	"math"
	"sync"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Hygiene is property 10: Solve leaves X and y bit for bit unchanged (the
// whole backing storage, padding of views included), the same input gives
// a bit-identical answer (or the same refusal) on a repeat call, and
// concurrent calls from several goroutines on the same shared X and y give
// that same answer. Run the tests with -race to catch data races too.
func Hygiene(s solvers.Solver) func(*rapid.T) { return hygiene(s, new(tally)) }

// goroutines is the number of concurrent callers of the hygiene check.
const goroutines = 4

func hygiene(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	gen := rapid.OneOf(accuracyGen(a), integerGen(6))
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		xBits, yBits := storageBits(X), storageBits(y)
		w, err := callSolve(s, X, y)
		if pe := (*panicError)(nil); errors.As(err, &pe) {
			t.Fatalf("%s panicked: %v", s.Name(), err)
		}
		if err != nil && !isRefusal(err) {
			t.Fatalf("%s returned an error that is not a refusal on a valid input: %v", s.Name(), err)
		}
		if !sameBits(xBits, storageBits(X)) {
			t.Fatalf("%s modified X (or the padding around the view)", s.Name())
		}
		if !sameBits(yBits, storageBits(y)) {
			t.Fatalf("%s modified y (or the padding around it)", s.Name())
		}
		if err != nil {
			tl.refused.Add(1)
		} else {
			tl.answered.Add(1)
		}
		w2, err2 := callSolve(s, X, y)
		if !sameOutcome(w, err, w2, err2) {
			t.Fatalf("repeat call differs: first (%v, err %v), then (%v, err %v)", vecBits(w), err, vecBits(w2), err2)
		}
		var wg sync.WaitGroup
		ws := make([]*mat.VecDense, goroutines)
		errs := make([]error, goroutines)
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ws[g], errs[g] = callSolve(s, X, y)
			}()
		}
		wg.Wait()
		for g := range goroutines {
			if !sameOutcome(w, err, ws[g], errs[g]) {
				t.Fatalf("concurrent call %d differs from the sequential one: err %v vs %v", g, errs[g], err)
			}
		}
		if !sameBits(xBits, storageBits(X)) || !sameBits(yBits, storageBits(y)) {
			t.Fatalf("%s modified X or y during concurrent calls", s.Name())
		}
	}
}

// storageBits returns the bits of the whole backing storage of a matrix or
// vector made by layout: for a view, from its first element to the end of
// the parent's storage.
func storageBits(v any) []uint64 {
	var data []float64
	switch m := v.(type) {
	case *mat.Dense:
		data = m.RawMatrix().Data
	case mat.Transpose:
		return storageBits(m.Matrix)
	case *mat.VecDense:
		data = m.RawVector().Data
	}
	out := make([]uint64, len(data))
	for i, x := range data {
		out[i] = math.Float64bits(x)
	}
	return out
}

func sameBits(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// vecBits returns the bits of w (nil for nil).
func vecBits(w *mat.VecDense) []uint64 {
	if w == nil {
		return nil
	}
	out := make([]uint64, w.Len())
	for i := range out {
		out[i] = math.Float64bits(w.AtVec(i))
	}
	return out
}

// sameOutcome reports whether two calls gave bit-identical answers, or
// errors wrapping the same sentinel with the same message.
func sameOutcome(w1 *mat.VecDense, err1 error, w2 *mat.VecDense, err2 error) bool {
	if (err1 == nil) != (err2 == nil) {
		return false
	}
	if err1 != nil {
		return err1.Error() == err2.Error()
	}
	return sameBits(vecBits(w1), vecBits(w2))
}
