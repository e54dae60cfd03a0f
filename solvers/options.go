package solvers

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// An Option changes one setting of a solver built by a constructor such as
// NewLSQR. Each constructor documents which options it accepts; an option it
// does not accept, or an out-of-range value, makes Solve return an error
// wrapping ErrBadParameter rather than being silently ignored.
type Option func(*config)

// optionKind names an option for the "accepted options" check.
type optionKind uint8

const (
	optTol optionKind = 1 << iota
	optMaxIter
	optSeed
	optRCond
	optStart
)

func (k optionKind) String() string {
	switch k {
	case optTol:
		return "WithTol"
	case optMaxIter:
		return "WithMaxIter"
	case optSeed:
		return "WithSeed"
	case optRCond:
		return "WithRCond"
	case optStart:
		return "WithStart"
	}
	return "unknown option"
}

// config holds every setting a solver may have. Zero values mean "not set":
// each solver substitutes its documented default.
type config struct {
	set     optionKind // which options were given
	tol     float64
	maxIter int
	seed    uint64
	rcond   float64
	start   *mat.VecDense // a private copy
	err     error         // the first invalid option, reported by Solve
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: %s", ErrBadParameter, fmt.Sprintf(format, args...))
	}
}

// WithTol sets the relative stopping tolerance of an iterative solver (see
// each solver for the rule it controls). It must be positive and finite.
func WithTol(tol float64) Option {
	return func(c *config) {
		c.set |= optTol
		if !(tol > 0) || math.IsInf(tol, 0) {
			c.fail("tolerance %v must be positive and finite", tol)
		}
		c.tol = tol
	}
}

// WithMaxIter sets the iteration cap of an iterative solver; it must be positive.
func WithMaxIter(n int) Option {
	return func(c *config) {
		c.set |= optMaxIter
		if n <= 0 {
			c.fail("iteration cap %d must be positive", n)
		}
		c.maxIter = n
	}
}

// WithSeed sets the seed of a randomized solver ("rek"). The same seed and
// input give bit-identical output.
func WithSeed(seed uint64) Option {
	return func(c *config) {
		c.set |= optSeed
		c.seed = seed
	}
}

// WithRCond sets the relative rank cut-off of a rank-revealing solver:
// singular values (or |R_ii| for "cod") at or below rcond·σ_max are treated as
// zero. It must lie in [0, 1); 0 keeps every non-zero singular value.
func WithRCond(rcond float64) Option {
	return func(c *config) {
		c.set |= optRCond
		if !(rcond >= 0 && rcond < 1) {
			c.fail("rank cut-off %v must lie in [0, 1)", rcond)
		}
		c.rcond = rcond
	}
}

// WithStart sets the starting point w₀ of a gradient method ("gd",
// "nesterov"); the default is w₀ = 0. From w₀ the iteration converges to
// X⁺y + P_null(X)·w₀, so only w₀ = 0 gives the min-norm solution: this option
// exists to study implicit regularisation, not for everyday use.
func WithStart(w0 mat.Vector) Option {
	return func(c *config) {
		c.set |= optStart
		if w0 == nil {
			c.fail("start vector is nil")
			return
		}
		c.start = mat.VecDenseCopyOf(w0)
		for i := 0; i < c.start.Len(); i++ {
			if v := c.start.AtVec(i); math.IsNaN(v) || math.IsInf(v, 0) {
				c.fail("start vector is not finite")
				return
			}
		}
	}
}

// newConfig applies opts and records an error for any option outside accepted.
func newConfig(accepted optionKind, opts []Option) config {
	var c config
	for _, o := range opts {
		if o == nil {
			c.fail("nil Option")
			continue
		}
		o(&c)
	}
	for k := optTol; k <= optStart; k <<= 1 {
		if c.set&k != 0 && accepted&k == 0 {
			c.fail("this solver does not accept %v", k)
		}
	}
	return c
}

// tolOr returns the configured tolerance or def.
func (c *config) tolOr(def float64) float64 {
	if c.set&optTol != 0 {
		return c.tol
	}
	return def
}

// maxIterOr returns the configured iteration cap or def.
func (c *config) maxIterOr(def int) int {
	if c.set&optMaxIter != 0 {
		return c.maxIter
	}
	return def
}
