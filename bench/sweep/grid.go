package sweep

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/minnorm/lstsq/solvers"
)

// DefaultGammas returns the default γ = p/n grid: 17 points log-spaced from
// 0.1 to 10 (ratio 10^(1/8) ≈ 1.33) and 12 more near the interpolation
// threshold γ = 1, where κ and the min-norm risk blow up.
func DefaultGammas() []float64 {
	g := LogSpace(0.1, 10, 17)
	g = append(g, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.005, 1.01, 1.02, 1.05, 1.1, 1.2)
	slices.Sort(g)
	return g
}

// LogSpace returns k ≥ 2 points from lo to hi (both > 0) equally spaced in
// log scale; k = 1 gives [lo].
func LogSpace(lo, hi float64, k int) []float64 {
	if k == 1 {
		return []float64{lo}
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(k-1))
	}
	out[k-1] = hi
	return out
}

// Sizes returns the distinct p = round(γ·n) ≥ 1 for the γ grid, ascending.
func Sizes(n int, gammas []float64) []int {
	var ps []int
	for _, g := range gammas {
		p := int(math.Round(g * float64(n)))
		if p >= 1 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return slices.Compact(ps)
}

// ParseFloats parses a comma-separated list of positive numbers.
func ParseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sweep: %q is not a positive number", f)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sweep: empty list %q", s)
	}
	return out, nil
}

// ParseInts parses a comma-separated list of positive integers.
func ParseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("sweep: %q is not a positive integer", f)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sweep: empty list %q", s)
	}
	return out, nil
}

// MinNormSolver returns the solver named name among solvers.MinNorm().
func MinNormSolver(name string) (solvers.Solver, error) {
	var names []string
	for _, s := range solvers.MinNorm() {
		if s.Name() == name {
			return s, nil
		}
		names = append(names, s.Name())
	}
	return nil, fmt.Errorf("sweep: no min-norm solver %q (have %s)", name, strings.Join(names, ", "))
}

// RidgeSolver returns the solver named name among solvers.Ridge(λ).
func RidgeSolver(name string, lambda float64) (solvers.Solver, error) {
	var names []string
	for _, s := range solvers.Ridge(lambda) {
		if s.Name() == name {
			return s, nil
		}
		names = append(names, s.Name())
	}
	return nil, fmt.Errorf("sweep: no ridge solver %q (have %s)", name, strings.Join(names, ", "))
}

// MinNormSolvers resolves a comma-separated list of solver names; "all"
// means every solver of solvers.MinNorm() in its order.
func MinNormSolvers(list string) ([]solvers.Solver, error) {
	if strings.TrimSpace(list) == "all" {
		return solvers.MinNorm(), nil
	}
	var out []solvers.Solver
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		s, err := MinNormSolver(name)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("sweep: empty solver list %q", list)
	}
	return out, nil
}
