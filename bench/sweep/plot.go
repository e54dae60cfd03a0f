package sweep

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot sizes: small PNGs (96 dpi) that stay readable.
const (
	plotW = 7 * vg.Inch
	plotH = 4.8 * vg.Inch
)

// u is the unit roundoff of float64.
const u = 0x1p-53

// logTicks labels 1, 2 and 5 times powers of ten when the range spans at
// most three decades, powers of ten only otherwise, with unlabelled minor
// ticks at every integer multiple.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	few := math.Log10(hi/lo) <= 3
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		base := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * base
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (few && (m == 2 || m == 5)) {
				t.Label = tickLabel(v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

func tickLabel(v float64) string {
	if v >= 1e-3 && v < 1e5 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	// Shortest 'e' form without exponent padding: 1e-11, 2e6.
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
	e, _ := strconv.Atoi(exp)
	return fmt.Sprintf("%se%d", mant, e)
}

// newLogLog returns a plot with log axes, labels and a grid.
func newLogLog(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = logTicks{}, logTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 225}
	grid.Horizontal.Color = color.Gray{Y: 225}
	p.Add(grid)
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.ThumbnailWidth = vg.Points(24)
	return p
}

// positive keeps the points with finite positive coordinates (log axes).
func positive(xs, ys []float64) plotter.XYs {
	var pts plotter.XYs
	for i := range xs {
		if xs[i] > 0 && ys[i] > 0 && !math.IsInf(xs[i], 0) && !math.IsInf(ys[i], 0) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	return pts
}

// glyphs are the point shapes by series index, filled ones first (rings
// mark means).
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.SquareGlyph{},
}

// style of one series: colour, glyph and dashes by index.
type style struct {
	i      int
	points bool // draw glyphs
	line   bool // draw a line
	dashed bool
	hollow bool // open glyph (for means)
	width  vg.Length
	colour color.Color // overrides the palette
}

// addSeries adds one named series; it skips series with no plottable point.
func addSeries(p *plot.Plot, name string, pts plotter.XYs, st style) error {
	if len(pts) == 0 {
		return nil
	}
	c := st.colour
	if c == nil {
		c = plotutil.DarkColors[st.i%len(plotutil.DarkColors)]
	}
	var thumbs []plot.Thumbnailer
	if st.line {
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		if st.width > 0 {
			l.Width = st.width
		}
		if st.dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		} else if st.i >= len(plotutil.DarkColors) {
			l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		}
		p.Add(l)
		thumbs = append(thumbs, l)
	}
	if st.points {
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.Color = c
		s.Radius = vg.Points(2.5)
		if st.hollow {
			s.Shape = draw.RingGlyph{}
			s.Radius = vg.Points(3.5)
		} else {
			s.Shape = glyphs[st.i%len(glyphs)]
		}
		p.Add(s)
		thumbs = append(thumbs, s)
	}
	if name != "" {
		p.Legend.Add(name, thumbs...)
	}
	return nil
}

// save writes the grid of plots (rows of tiles) to dir/base.png and
// dir/base.svg and returns the paths.
func save(dir, base string, w, h vg.Length, plots [][]*plot.Plot) ([]string, error) {
	for _, row := range plots {
		for _, p := range row {
			if p != nil {
				fixLogRange(&p.X)
				fixLogRange(&p.Y)
			}
		}
	}
	var paths []string
	for _, format := range []string{"png", "svg"} {
		c, err := draw.NewFormattedCanvas(w, h, format)
		if err != nil {
			return nil, err
		}
		dc := draw.New(c)
		tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Inch / 5, PadY: vg.Inch / 5,
			PadLeft: vg.Inch / 20, PadRight: vg.Inch / 10, PadTop: vg.Inch / 20, PadBottom: vg.Inch / 20}
		// gonum plot (v0.17) reserves room for a y-axis label around the
		// arithmetic midpoint 0.5·(min + max) of the data range, which on a
		// log axis lies near the top, so a long label shrinks the data area
		// from above. For a log y axis the label is therefore drawn by
		// drawYLabel, centred on the tile, while a one-space label keeps its
		// width reserved (also while Align measures the plots).
		labels := make(map[*plot.Plot]string)
		for _, row := range plots {
			for _, p := range row {
				if p == nil || p.Y.Label.Text == "" {
					continue
				}
				if _, ok := p.Y.Scale.(plot.LogScale); ok {
					labels[p] = p.Y.Label.Text
					p.Y.Label.Text = " "
				}
			}
		}
		canvases := plot.Align(plots, tiles, dc)
		for i := range plots {
			for j, p := range plots[i] {
				if p == nil {
					continue
				}
				p.Draw(canvases[i][j])
				if label, ok := labels[p]; ok {
					p.Y.Label.Text = label
					drawYLabel(p, canvases[i][j])
				}
			}
		}
		path := filepath.Join(dir, base+"."+format)
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if _, err := c.WriteTo(f); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// PlotConditioning draws κ against γ with the Marchenko–Pastur limit.
func PlotConditioning(dir string, rows []CondRow) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := rows[0].N
	p := newLogLog(fmt.Sprintf("Condition number of a Gaussian n×p matrix, n = %d", n), "γ = p/n", "κ₂(X) = σ_max/σ_min")
	var g, med, q10, q90 []float64
	kmax := 0.0
	for _, r := range rows {
		g = append(g, r.Gamma)
		med = append(med, r.KappaMedian)
		q10 = append(q10, r.KappaQ10)
		q90 = append(q90, r.KappaQ90)
		kmax = math.Max(kmax, r.KappaQ90)
	}
	// The limit, clipped where it leaves the measured range near γ = 1.
	var lg, lk []float64
	for _, x := range denseGamma(g[0], g[len(g)-1]) {
		if k := MPCondLimit(x); k <= 3*kmax {
			lg, lk = append(lg, x), append(lk, k)
		}
	}
	if err := addLimitLine(p, "Marchenko–Pastur limit (1+√γ)/|1−√γ|", lg, lk, 1); err != nil {
		return nil, err
	}
	if err := addSeries(p, "median κ (measured)", positive(g, med), style{i: 2, points: true, line: true}); err != nil {
		return nil, err
	}
	if err := addSeries(p, "10% and 90% quantiles", positive(g, q10), style{i: 2, line: true, dashed: true, width: vg.Points(0.8)}); err != nil {
		return nil, err
	}
	if err := addSeries(p, "", positive(g, q90), style{i: 2, line: true, dashed: true, width: vg.Points(0.8)}); err != nil {
		return nil, err
	}
	// Edelman 1988: median κ of a square Gaussian matrix ≈ 3.67·n.
	if err := addSeries(p, "Edelman: median κ ≈ 3.67n at p = n", plotter.XYs{{X: 1, Y: 3.67 * float64(n)}},
		style{i: 0, points: true, hollow: true, colour: color.Black}); err != nil {
		return nil, err
	}
	headroom(p, 4)
	return save(dir, "conditioning", plotW, plotH, [][]*plot.Plot{{p}})
}

// addLimitLine adds a theory curve as a line that breaks where x jumps
// across a gap (so the two branches around γ = 1 are not joined).
func addLimitLine(p *plot.Plot, name string, xs, ys []float64, ci int) error {
	var seg plotter.XYs
	first := true
	flush := func() error {
		if len(seg) == 0 {
			return nil
		}
		label := ""
		if first {
			label, first = name, false
		}
		err := addSeries(p, label, seg, style{i: ci, line: true, dashed: true, colour: color.Black, width: vg.Points(1.2)})
		seg = nil
		return err
	}
	for i := range xs {
		if i > 0 && (xs[i] > 1 && xs[i-1] < 1) {
			if err := flush(); err != nil {
				return err
			}
		}
		if ys[i] > 0 && !math.IsInf(ys[i], 0) && !math.IsNaN(ys[i]) {
			seg = append(seg, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	return flush()
}

// denseGamma returns a fine log grid on [lo, hi] that avoids γ = 1 itself.
func denseGamma(lo, hi float64) []float64 {
	var out []float64
	for _, x := range LogSpace(lo, hi, 600) {
		if x != 1 {
			out = append(out, x)
		}
	}
	return out
}

// PlotSolvers draws the median time and the median forward error of each
// solver against γ, the error with the yardsticks κ·u and κ²·u.
func PlotSolvers(dir string, rows []SolverRow) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := rows[0].N
	var names []string
	by := map[string][]SolverRow{}
	for _, r := range rows {
		if _, ok := by[r.Solver]; !ok {
			names = append(names, r.Solver)
		}
		by[r.Solver] = append(by[r.Solver], r)
	}
	pt := newLogLog(fmt.Sprintf("Solve time (median), n = %d", n), "γ = p/n", "seconds per solve")
	pe := newLogLog(fmt.Sprintf("Forward error ‖ŵ − w*‖/‖w*‖ (median), w* = pinv(X)·y, n = %d", n), "γ = p/n", "‖ŵ − w*‖/‖w*‖ (w* refined in double-double)")
	pt.Legend.Left = true
	pe.Legend.Left = true
	var paths []string
	var kg, ku, k2u []float64
	for _, r := range by[names[0]] {
		kg = append(kg, r.Gamma)
		ku = append(ku, r.KappaMedian*u)
		k2u = append(k2u, math.Min(r.KappaMedian*r.KappaMedian*u, 1))
	}
	if err := addSeries(pe, "κ·u (median κ)", positive(kg, ku), style{line: true, dashed: true, colour: color.Gray{Y: 90}, width: vg.Points(1)}); err != nil {
		return nil, err
	}
	if err := addSeries(pe, "κ²·u", positive(kg, k2u), style{line: true, dashed: true, colour: color.Gray{Y: 160}, width: vg.Points(1)}); err != nil {
		return nil, err
	}
	ymaxT, yminT := 0.0, math.Inf(1)
	for i, name := range names {
		var g, t, e []float64
		refused, total := 0, 0
		for _, r := range by[name] {
			g = append(g, r.Gamma)
			t = append(t, r.TimeMedian)
			// A forward error of exactly 0 is drawn at u/10.
			ev := r.ErrMedian
			if ev == 0 {
				ev = u / 10
			}
			e = append(e, ev)
			refused += r.Refusals
			total += r.Reps
			if r.TimeMedian > 0 {
				ymaxT = math.Max(ymaxT, r.TimeMedian)
				yminT = math.Min(yminT, r.TimeMedian)
			}
		}
		label := name
		if refused > 0 {
			label = fmt.Sprintf("%s (refused %d/%d)", name, refused, total)
		}
		st := style{i: i, points: true, line: true}
		if err := addSeries(pt, name, positive(g, t), st); err != nil {
			return nil, err
		}
		if err := addSeries(pe, label, positive(g, e), st); err != nil {
			return nil, err
		}
	}
	// Head room above the data for the legend.
	if ymaxT > 0 {
		pt.Y.Min, pt.Y.Max = yminT/2, ymaxT
	}
	pe.Y.Min = math.Min(pe.Y.Min, u/2)
	headroom(pt, len(names))
	headroom(pe, len(names)+2)
	for _, x := range []struct {
		p    *plot.Plot
		base string
	}{{pt, "solvers_time"}, {pe, "solvers_error"}} {
		ps, err := save(dir, x.base, plotW, plotH, [][]*plot.Plot{{x.p}})
		if err != nil {
			return nil, err
		}
		paths = append(paths, ps...)
	}
	return paths, nil
}

// PlotRisk draws the double-descent curve: measured median risks of the
// three estimators, the minnorm mean, and the theory curves.
func PlotRisk(dir string, rows []RiskRow, sigma2, r2 float64) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := rows[0].N
	p := newLogLog(fmt.Sprintf("Double descent: estimation risk ‖ŵ − β‖², n = %d, σ² = %g, r² = %g", n, sigma2, r2),
		"γ = p/n", "risk ‖ŵ − β‖²")
	by := map[string][]RiskRow{}
	for _, r := range rows {
		by[r.Estimator] = append(by[r.Estimator], r)
	}
	mn := by[EstMinNorm]
	lo, hi := mn[0].P, mn[len(mn)-1].P
	// Exact min-norm theory at every integer p (sampled), infinite for
	// n−1 ≤ p ≤ n+1: the curve stops there.
	var tg, tr []float64
	for _, x := range LogSpace(float64(lo), float64(hi), 400) {
		pp := int(math.Round(x))
		tg, tr = append(tg, float64(pp)/float64(n)), append(tr, MinNormRiskExact(n, pp, sigma2, r2))
	}
	for pp := n - 40; pp <= n+40; pp++ {
		if pp >= lo && pp <= hi {
			tg, tr = append(tg, float64(pp)/float64(n)), append(tr, MinNormRiskExact(n, pp, sigma2, r2))
		}
	}
	sortXY(tg, tr)
	if err := addLimitLine(p, "minnorm theory: exact E risk (Belkin–Hsu–Xu)", tg, tr, 0); err != nil {
		return nil, err
	}
	var rg, rr []float64
	for _, x := range denseGamma(float64(lo)/float64(n), float64(hi)/float64(n)) {
		rg, rr = append(rg, x), append(rr, OptimalRidgeRiskAsymptotic(x, sigma2, r2))
	}
	if err := addSeries(p, "ridge-opt theory: asymptotic (Dobriban–Wager)", positive(rg, rr),
		style{line: true, colour: color.RGBA{R: 0, G: 140, B: 72, A: 255}, width: vg.Points(1), dashed: true}); err != nil {
		return nil, err
	}
	for i, est := range []string{EstMinNorm, EstRidgeOpt, EstGDEarly} {
		var g, med, mean []float64
		for _, r := range by[est] {
			g = append(g, r.Gamma)
			med = append(med, r.RiskMedian)
			mean = append(mean, r.RiskMean)
		}
		label := est + " median"
		if est == EstGDEarly {
			label = "gd-early median (t = 1/λ_opt)"
		}
		ci := []int{0, 1, 4}[i]
		if err := addSeries(p, label, positive(g, med), style{i: ci, points: true, line: true}); err != nil {
			return nil, err
		}
		if est == EstMinNorm {
			// A mean far above every median (near p = n, where the
			// expectation is infinite) would squash the picture: such
			// means are left out and named in the legend.
			top := 30 * maxFinite(med)
			var gk, mk []float64
			label := "minnorm mean"
			for k := range g {
				if mean[k] > top {
					label += fmt.Sprintf(" (off scale: %.2g at γ = %.3g)", mean[k], g[k])
					continue
				}
				gk, mk = append(gk, g[k]), append(mk, mean[k])
			}
			if err := addSeries(p, label, positive(gk, mk), style{i: ci, points: true, hollow: true}); err != nil {
				return nil, err
			}
		}
	}
	headroom(p, 6)
	return save(dir, "risk", plotW, plotH, [][]*plot.Plot{{p}})
}

// maxFinite returns the largest finite value of v (0 if none).
func maxFinite(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			m = math.Max(m, x)
		}
	}
	return m
}

// sortXY sorts the pairs by x.
func sortXY(xs, ys []float64) {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	// Insertion sort: a few hundred points.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && xs[idx[j]] < xs[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	x2, y2 := make([]float64, len(xs)), make([]float64, len(ys))
	for i, k := range idx {
		x2[i], y2[i] = xs[k], ys[k]
	}
	copy(xs, x2)
	copy(ys, y2)
}

// PlotDigits draws the test squared loss and the zero-one test error of the
// random-features fits against the number of features N, side by side.
func PlotDigits(dir string, rows []DigitsRow) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := rows[0].NTrain
	pm := newLogLog(fmt.Sprintf("Digits, random Fourier features: test loss (n = %d)", n), "N features", "test squared loss (median)")
	pz := newLogLog(fmt.Sprintf("Digits: zero-one test error (n = %d)", n), "N features", "zero-one test error (median)")
	pz.Y.Scale = plot.LinearScale{}
	pz.Y.Tick.Marker = plot.DefaultTicks{}
	by := map[string][]DigitsRow{}
	var methods []string
	for _, r := range rows {
		if _, ok := by[r.Method]; !ok {
			methods = append(methods, r.Method)
		}
		by[r.Method] = append(by[r.Method], r)
	}
	for i, m := range methods {
		var N, mse, q25, q75, zo []float64
		for _, r := range by[m] {
			N = append(N, float64(r.Features))
			mse = append(mse, r.TestMSEMedian)
			q25 = append(q25, r.TestMSEQ25)
			q75 = append(q75, r.TestMSEQ75)
			zo = append(zo, r.ZeroOneMedian)
		}
		label := "min-norm pinv(Φ)·Y"
		if m != EstMinNorm {
			label = fmt.Sprintf("ridge λ = %g", by[m][0].Lambda)
		}
		ci := []int{0, 2}[i%2]
		if err := addSeries(pm, label, positive(N, mse), style{i: ci, points: true, line: true}); err != nil {
			return nil, err
		}
		if err := addSeries(pm, "", positive(N, q25), style{i: ci, line: true, dashed: true, width: vg.Points(0.6)}); err != nil {
			return nil, err
		}
		if err := addSeries(pm, "", positive(N, q75), style{i: ci, line: true, dashed: true, width: vg.Points(0.6)}); err != nil {
			return nil, err
		}
		var pts plotter.XYs
		for k := range N {
			if !math.IsNaN(zo[k]) {
				pts = append(pts, plotter.XY{X: N[k], Y: zo[k]})
			}
		}
		if err := addSeries(pz, label, pts, style{i: ci, points: true, line: true}); err != nil {
			return nil, err
		}
	}
	pm.Legend.Add("dashed: quartiles over seeds")
	pz.Y.Min, pz.Y.Max = 0, 1
	headroom(pm, 4)
	headroom(pz, 3)
	for _, p := range []*plot.Plot{pm, pz} {
		if err := addVLine(p, float64(n), "N = n"); err != nil {
			return nil, err
		}
	}
	return save(dir, "digits", 2*plotW*0.8, plotH, [][]*plot.Plot{{pm, pz}})
}

// addVLine adds a dotted vertical line at x across the current y range.
func addVLine(p *plot.Plot, x float64, name string) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
	if err != nil {
		return err
	}
	l.Color = color.Gray{Y: 120}
	l.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
	p.Add(l)
	if name != "" {
		p.Legend.Add(name, l)
	}
	return nil
}

// fixLogRange widens a degenerate range of a log axis (one point, or no
// data), which gonum plot would otherwise pad into non-positive values.
func fixLogRange(a *plot.Axis) {
	if _, ok := a.Scale.(plot.LogScale); !ok {
		return
	}
	if !(a.Max > 0) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = 0.1, 10
	}
	if !(a.Min > 0) || a.Min > a.Max {
		a.Min = a.Max / 10
	}
	if a.Min == a.Max {
		a.Min, a.Max = a.Min/2, a.Max*2
	}
}

// headroom raises the top of the y range so that a legend of the given
// number of entries, drawn at the top, stays clear of the data: the data keep
// the fraction 1 − f of the height, f the legend's share (about 11 points per
// entry of the roughly 290-point data area).
func headroom(p *plot.Plot, entries int) {
	f := math.Min(float64(entries)*11/290, 0.6)
	if _, ok := p.Y.Scale.(plot.LogScale); ok {
		fixLogRange(&p.Y)
		d := math.Log10(p.Y.Max / p.Y.Min)
		p.Y.Max = p.Y.Min * math.Pow(10, d/(1-f))
		return
	}
	p.Y.Max = p.Y.Min + (p.Y.Max-p.Y.Min)/(1-f)
}

// drawYLabel draws the y-axis label of p on its tile c, rotated, centred
// vertically on the data area (approximately: below the title, above an
// x axis of about 30 points).
func drawYLabel(p *plot.Plot, c draw.Canvas) {
	label := p.Y.Label.Text
	sty := p.Y.Label.TextStyle
	sty.Rotation += math.Pi / 2
	top := c.Max.Y
	if p.Title.Text != "" {
		top -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
	}
	const xAxisHeight = 30 // points: tick labels and the x label, roughly
	y := (c.Min.Y + xAxisHeight + top) / 2
	x := c.Min.X + p.Y.Label.TextStyle.Height(label) - p.Y.Label.TextStyle.FontExtents().Descent
	c.FillText(sty, vg.Point{X: x, Y: y}, label)
}
