package props

import (
	"testing"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// A Property is one named check of the suite, ready for rapid.Check or
// rapid.MakeCheck. It counts the cases its solver answered and refused.
type Property struct {
	Name  string
	Check func(*rapid.T)
	tally *tally
}

// Counts returns how many cases the property's solver answered and how many
// it refused with ErrIllConditioned or ErrNotConverged so far.
func (p Property) Counts() (answered, refused int) {
	return int(p.tally.answered.Load()), int(p.tally.refused.Load())
}

// MinNormProperties returns the min-norm properties applicable to s, in
// order: least-squares, row-space, minimality, exact, penrose (when s is a
// solvers.Pseudoinverter), equivariance, started-gradient (when s is
// solvers' "gd" or "nesterov", which accept solvers.WithStart), honesty,
// hygiene and bad-input.
func MinNormProperties(s solvers.Solver) []Property {
	var ps []Property
	add := func(name string, build func(*tally) func(*rapid.T)) {
		tl := new(tally)
		ps = append(ps, Property{Name: name, Check: build(tl), tally: tl})
	}
	add("least-squares", func(tl *tally) func(*rapid.T) { return leastSquares(s, tl) })
	add("row-space", func(tl *tally) func(*rapid.T) { return rowSpace(s, tl) })
	add("minimality", func(tl *tally) func(*rapid.T) { return minimality(s, tl) })
	add("exact", func(tl *tally) func(*rapid.T) { return exactAgreement(s, tl) })
	if pi, ok := s.(solvers.Pseudoinverter); ok {
		add("penrose", func(tl *tally) func(*rapid.T) { return penrose(pi, tl) })
	}
	add("equivariance", func(tl *tally) func(*rapid.T) { return equivariance(s, tl) })
	if start := starter(s); start != nil {
		add("started-gradient", func(tl *tally) func(*rapid.T) { return startedGradient(start, tl) })
	}
	add("honesty", func(tl *tally) func(*rapid.T) { return honesty(s, tl) })
	add("hygiene", func(tl *tally) func(*rapid.T) { return hygiene(s, tl) })
	add("bad-input", func(tl *tally) func(*rapid.T) { return badInput(s, tl) })
	return ps
}

// starter returns a constructor of s's method started at w₀, for solvers'
// own gradient methods (with their default settings and s's accuracy
// claim), or nil.
func starter(s solvers.Solver) func(mat.Vector) solvers.Solver {
	a := accuracyOf(s)
	switch unwrapped(s).(type) {
	case *solvers.GD:
		return func(w0 mat.Vector) solvers.Solver { return WithAccuracy(solvers.NewGD(solvers.WithStart(w0)), a) }
	case *solvers.Nesterov:
		return func(w0 mat.Vector) solvers.Solver { return WithAccuracy(solvers.NewNesterov(solvers.WithStart(w0)), a) }
	}
	return nil
}

// RidgeProperties returns the ridge properties for the solvers newSolver
// makes: ridge-solution, ridge-exact, ridge-path, early-stopping, hygiene and bad-input
// (the last two at a drawn λ).
func RidgeProperties(newSolver func(lambda float64) solvers.Solver) []Property {
	var ps []Property
	add := func(name string, build func(*tally) func(*rapid.T)) {
		tl := new(tally)
		ps = append(ps, Property{Name: name, Check: build(tl), tally: tl})
	}
	add("ridge-solution", func(tl *tally) func(*rapid.T) { return ridgeSolution(newSolver, tl) })
	add("ridge-exact", func(tl *tally) func(*rapid.T) { return ridgeExact(newSolver, tl) })
	add("ridge-path", func(tl *tally) func(*rapid.T) { return ridgePath(newSolver, tl) })
	add("early-stopping", func(tl *tally) func(*rapid.T) { return earlyStopping(newSolver, tl) })
	add("hygiene", func(tl *tally) func(*rapid.T) { return ridgeHygiene(newSolver, tl) })
	add("bad-input", func(tl *tally) func(*rapid.T) { return ridgeBadInput(newSolver, tl) })
	return ps
}

// TestMinNorm runs every min-norm property on s as subtests of t, one per
// property (MinNormProperties), each through rapid: a failure names the
// property and prints the shrunk problem and the command that reproduces
// it. Refusals (ErrIllConditioned, ErrNotConverged) pass their case and are
// counted in the log. Tolerances come from s's Accuracy claim (WithAccuracy;
// BackwardStable by default).
//
//	func TestMySolver(t *testing.T) { props.TestMinNorm(t, mySolver) }
func TestMinNorm(t *testing.T, s solvers.Solver) {
	t.Helper()
	run(t, MinNormProperties(s))
}

// TestRidge runs every ridge property as subtests of t; newSolver returns
// the solver for a given λ ≥ 0 (e.g. solvers.NewRidgeSVD).
func TestRidge(t *testing.T, newSolver func(lambda float64) solvers.Solver) {
	t.Helper()
	run(t, RidgeProperties(newSolver))
}

func run(t *testing.T, ps []Property) {
	t.Helper()
	for _, p := range ps {
		t.Run(p.Name, func(t *testing.T) {
			t.Cleanup(func() { t.Logf("%s: %v", p.Name, p.tally) })
			rapid.Check(t, p.Check)
		})
	}
}

// TestProperty runs one property builder as a named subtest of t (for
// composing the exported builders, e.g. StartedGradient for a method of
// your own).
func TestProperty(t *testing.T, name string, check func(*rapid.T)) {
	t.Helper()
	t.Run(name, rapid.MakeCheck(check))
}
