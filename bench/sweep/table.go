package sweep

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// summaryGammas are the columns of the solver tables: the nearest γ of the
// grid to each is shown.
var summaryGammas = []float64{0.1, 0.5, 0.9, 1, 1.1, 2, 10}

func tf(v float64, format string) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 1):
		return "inf"
	}
	return fmt.Sprintf(format, v)
}

// WriteSummary prints the short text tables of the report.
func WriteSummary(w io.Writer, res *Result, sigma2, r2 float64, digits []DigitsRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(res.Conditioning) > 0 {
		c0 := res.Conditioning[0]
		fmt.Fprintf(tw, "Conditioning and risk ‖ŵ − β‖² (n = %d, %d reps, σ² = %g, r² = %g); risks are medians, theory is the expectation\n", c0.N, c0.Reps, sigma2, r2)
		fmt.Fprintln(tw, "γ\tp\tκ median\tMP limit\tminnorm\tminnorm mean\texact (BHX)\tridge-opt\tasympt. (DW)\tgd-early\t")
		risk := map[[2]any]RiskRow{}
		for _, r := range res.Risk {
			risk[[2]any{r.P, r.Estimator}] = r
		}
		for _, c := range res.Conditioning {
			mn, ro, gd := risk[[2]any{c.P, EstMinNorm}], risk[[2]any{c.P, EstRidgeOpt}], risk[[2]any{c.P, EstGDEarly}]
			fmt.Fprintf(tw, "%.4g\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Gamma, c.P,
				tf(c.KappaMedian, "%.4g"), tf(c.MPLimit, "%.4g"),
				tf(mn.RiskMedian, "%.4g"), tf(mn.RiskMean, "%.4g"), tf(mn.Theory, "%.4g"),
				tf(ro.RiskMedian, "%.4g"), tf(ro.Theory, "%.4g"), tf(gd.RiskMedian, "%.4g"))
		}
		fmt.Fprintln(tw)
	}
	if len(res.Solvers) > 0 {
		var names []string
		by := map[string]map[int]SolverRow{}
		var ps []int
		seenP := map[int]bool{}
		for _, r := range res.Solvers {
			if by[r.Solver] == nil {
				by[r.Solver] = map[int]SolverRow{}
				names = append(names, r.Solver)
			}
			by[r.Solver][r.P] = r
			if !seenP[r.P] {
				seenP[r.P] = true
				ps = append(ps, r.P)
			}
		}
		n := res.Solvers[0].N
		cols := nearestSizes(n, ps, summaryGammas)
		header := func(title string) {
			fmt.Fprintln(tw, title)
			var b strings.Builder
			b.WriteString("solver\t")
			for _, p := range cols {
				fmt.Fprintf(&b, "γ=%.3g\t", float64(p)/float64(n))
			}
			b.WriteString("refused\t")
			fmt.Fprintln(tw, b.String())
		}
		refusedTotal := func(name string) string {
			ref, tot := 0, 0
			for _, r := range by[name] {
				ref += r.Refusals
				tot += r.Reps
			}
			return fmt.Sprintf("%d/%d", ref, tot)
		}
		header(fmt.Sprintf("Median relative forward error against the refined X⁺y (n = %d; '-' = refused every time)", n))
		for _, name := range names {
			fmt.Fprintf(tw, "%s\t", name)
			for _, p := range cols {
				fmt.Fprintf(tw, "%s\t", tf(by[name][p].ErrMedian, "%.1e"))
			}
			fmt.Fprintf(tw, "%s\t\n", refusedTotal(name))
		}
		fmt.Fprintln(tw)
		header(fmt.Sprintf("Median time per solve in milliseconds (n = %d)", n))
		for _, name := range names {
			fmt.Fprintf(tw, "%s\t", name)
			for _, p := range cols {
				fmt.Fprintf(tw, "%s\t", tf(1e3*by[name][p].TimeMedian, "%.3g"))
			}
			fmt.Fprintf(tw, "%s\t\n", refusedTotal(name))
		}
		fmt.Fprintln(tw)
	}
	if len(digits) > 0 {
		d0 := digits[0]
		fmt.Fprintf(tw, "Digits, random Fourier features (n = %d train, %d test; medians over %d seeds)\n", d0.NTrain, d0.NTest, d0.Reps+d0.Failed)
		fmt.Fprintln(tw, "N\tN/n\tminnorm MSE\tminnorm 0-1\tridge MSE\tridge 0-1\t")
		byN := map[int][2]DigitsRow{}
		var Ns []int
		for _, r := range digits {
			e, ok := byN[r.Features]
			if !ok {
				Ns = append(Ns, r.Features)
			}
			if r.Method == EstMinNorm {
				e[0] = r
			} else {
				e[1] = r
			}
			byN[r.Features] = e
		}
		for _, N := range Ns {
			e := byN[N]
			fmt.Fprintf(tw, "%d\t%.3g\t%s\t%s\t%s\t%s\t\n", N, e[0].Ratio,
				tf(e[0].TestMSEMedian, "%.3g"), tf(100*e[0].ZeroOneMedian, "%.1f%%"),
				tf(e[1].TestMSEMedian, "%.3g"), tf(100*e[1].ZeroOneMedian, "%.1f%%"))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// nearestSizes returns, for each target γ, the p of ps nearest to γ·n in log
// scale, without repeats.
func nearestSizes(n int, ps []int, gammas []float64) []int {
	var out []int
	seen := map[int]bool{}
	for _, g := range gammas {
		best, bestD := 0, math.Inf(1)
		for _, p := range ps {
			if d := math.Abs(math.Log(float64(p) / (g * float64(n)))); d < bestD {
				best, bestD = p, d
			}
		}
		if bestD < math.Inf(1) && !seen[best] {
			seen[best] = true
			out = append(out, best)
		}
	}
	return out
}
