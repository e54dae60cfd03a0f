package solvers

import (
	"errors"
	"fmt"
)

// The sentinel errors of the contract. Every error a Solver returns wraps
// exactly one of them; match with errors.Is.
var (
	// ErrShape: len(y) differs from the number of rows of X, or X is empty.
	ErrShape = errors.New("solvers: dimension mismatch or empty input")
	// ErrNotFinite: X or y holds a NaN or an infinity.
	ErrNotFinite = errors.New("solvers: input not finite")
	// ErrIllConditioned: the solver cannot guarantee an accurate answer on
	// this input (too ill-conditioned for its method, or rank-deficient for a
	// full-rank method). A rank-revealing solver may still answer.
	ErrIllConditioned = errors.New("solvers: too ill-conditioned for this method")
	// ErrNotConverged: an iterative method reached its iteration cap before
	// its stopping rule was met.
	ErrNotConverged = errors.New("solvers: iteration did not converge")
	// ErrBadParameter: a setting is out of range (negative or NaN λ,
	// non-positive tolerance or iteration cap, ...).
	ErrBadParameter = errors.New("solvers: bad parameter")
)

// refusal wraps a sentinel with the solver's name and a reason.
func refusal(name string, sentinel error, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", name, sentinel, fmt.Sprintf(format, args...))
}
