//go:build !openblas

package props

import (
	"math"
	"strings"
	"testing"

	"github.com/minnorm/lstsq/internal/fastlapack"
	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// dlarftCases are sparse problems on which gonum v0.17.0's Dlarft bug (see
// sparse.go) makes "qr" wrong: X has full rank min(n, p) ≥ 33, so "qr"
// answers, through Dormqr (tall) or Dormlq (wide) applying 33 or more
// reflectors, which is blocked. They were found by scanning seeds 1–60 of
// each design and shape with gonum's LAPACK installed; the comments give
// the normal-equation backward error ‖Xᵀ(y − Xŵ)‖/(‖X‖²‖ŵ‖ + ‖X‖‖y‖) it gave
// (lapackfix's: at most 4e-16).
var dlarftCases = []struct {
	seed   uint64
	n, p   int
	design string
	layout string
}{
	{23, 40, 33, "scattered", "dense"},          // 5.0e-4
	{17, 33, 40, "scattered", "view"},           // 2.4e-2
	{19, 33, 40, "one-hot", "transpose"},        // 1.8e-3
	{2, 40, 33, "dummy", "dense+strided-y"},     // 1.8e-3
	{24, 36, 36, "dummy", "view+strided-y"},     // 1.3e-3
	{4, 34, 37, "dummy", "transpose+strided-y"}, // 3.5e-3
}

// TestSparseCatchesDlarftBug shows that the least-squares property on the
// sparse family catches gonum's Dlarft bug, as TestPlantedBugs shows the
// suite catching planted bugs: with gonum's own LAPACK installed
// (lapack64.Use) the property must fail for "qr" on every case of
// dlarftCases, and with the LAPACK package solvers installs
// (internal/lapackfix) it must pass on all of them. The property runs
// through rapid on one fixed problem at a time (rapid.Just), recorded, not
// reported.
//
// lapack64 has no getter, so the test restores fastlapack.Implementation{},
// what solvers' init installs in this, the pure-Go, build; the openblas
// build installs netlib's LAPACK, which has no such bug, and leaves this
// file out. No test of this package calls t.Parallel, so no other test runs
// while gonum's LAPACK is installed.
func TestSparseCatchesDlarftBug(t *testing.T) {
	setFlag(t, "rapid.nofailfile", "true")
	setFlag(t, "rapid.checks", "1")
	setFlag(t, "rapid.shrinktime", "1s")
	t.Cleanup(func() { lapack64.Use(fastlapack.Implementation{}) })
	qr := solvers.NewQR()
	check := func(label string, wantFail bool) {
		for _, c := range dlarftCases {
			pr := sparseProblem(c.seed, c.n, c.p, c.design, c.layout)
			r := &recorder{name: "dlarft/" + label}
			rapid.Check(r, leastSquaresOn(qr, new(tally), rapid.Just(pr)))
			msg, _, _ := strings.Cut(r.msg, "\n")
			be := normalEqBackwardError(qr, pr)
			switch {
			case wantFail && !r.Failed():
				t.Errorf("%s: least-squares passes on %#v (backward error %.3g), want a failure", label, pr, be)
			case !wantFail && r.Failed():
				t.Errorf("%s: least-squares fails on %#v: %s", label, pr, msg)
			default:
				t.Logf("%s: %s %d×%d seed %d: backward error %.3g %s", label, c.design, c.n, c.p, c.seed, be, msg)
			}
		}
	}
	lapack64.Use(lapackgonum.Implementation{})
	check("gonum LAPACK", true)
	lapack64.Use(fastlapack.Implementation{})
	check("lapackfix", false)
}

// normalEqBackwardError returns ‖Xᵀ(y − Xŵ)‖/(‖X‖²‖ŵ‖ + ‖X‖‖y‖) for s's
// answer ŵ on pr (NaN if s refuses), for the log.
func normalEqBackwardError(s solvers.Solver, pr *Problem) float64 {
	X, y := pr.Args()
	w, err := s.Solve(X, y)
	if err != nil {
		return math.NaN()
	}
	g := mat.NewVecDense(w.Len(), nil)
	g.MulVec(pr.X.T(), residual(pr.X, pr.Y, w))
	xn := pr.Sigma1()
	return norm2(g) / (xn*xn*norm2(w) + xn*norm2(pr.Y))
}

// TestSparseDesign checks the designs sparseDesign builds at a given
// density: entries, share of non-zeros (within 5 binomial standard
// deviations), and the group structure of one-hot (exactly one 1 per row
// in each group of L = round(1/d) columns, so rank ≤ p − groups + 1) and
// dummy (at most one 1 per row in each group of L − 1 columns).
func TestSparseDesign(t *testing.T) {
	for _, d := range []float64{0.03, 0.1, 0.3} {
		for _, design := range sparseDesigns {
			n, p := 37, 31
			X := sparseDesign(problem.New(uint64(1000*d)), n, p, design, d)
			levels := int(math.Round(1 / d))
			width := map[string]int{"scattered": p, "one-hot": levels, "dummy": levels - 1}[design]
			nz := 0
			for i := 0; i < n; i++ {
				for g := 0; g < p; g += width {
					ones := 0
					for j := g; j < min(g+width, p); j++ {
						v := X.At(i, j)
						switch {
						case v == 0:
							continue
						case design == "scattered" && (v != math.Trunc(v) || math.Abs(v) > 3):
							t.Fatalf("scattered d=%g: X[%d,%d] = %v, want 0, ±1, ±2 or ±3", d, i, j, v)
						case design != "scattered" && v != 1:
							t.Fatalf("%s d=%g: X[%d,%d] = %v, want 0 or 1", design, d, i, j, v)
						}
						nz++
						ones++
					}
					if design == "one-hot" && ones != 1 || design == "dummy" && ones > 1 {
						t.Fatalf("%s d=%g: row %d has %d ones in the group at column %d", design, d, i, ones, g)
					}
				}
			}
			if design == "scattered" {
				sd := math.Sqrt(d * (1 - d) / float64(n*p))
				if share := float64(nz) / float64(n*p); math.Abs(share-d) > 5*sd {
					t.Errorf("scattered d=%g: %.3f of the entries non-zero", d, share)
				}
			}
			if design == "one-hot" {
				groups := (p + levels - 1) / levels
				pr := &Problem{X: X}
				fillSVD(pr, -1)
				if groups >= 2 && pr.Rank > p-groups+1 {
					t.Errorf("one-hot d=%g: rank %d with %d groups, want at most %d", d, pr.Rank, groups, p-groups+1)
				}
			}
		}
	}
}

// TestSparseProblem checks that a sparse problem is reproduced from its
// seed and labelled as one.
func TestSparseProblem(t *testing.T) {
	a := sparseProblem(7, 35, 38, "dummy", "view")
	b := sparseProblem(7, 35, 38, "dummy", "view")
	if !mat.Equal(a.X, b.X) || !mat.Equal(a.Y, b.Y) {
		t.Fatal("a sparse problem is not reproduced from its seed")
	}
	if a.Kind != "sparse" || a.Seed != 7 || a.Oracle || a.Layout != "view" {
		t.Fatalf("got Kind %q, Seed %d, Oracle %v, Layout %q", a.Kind, a.Seed, a.Oracle, a.Layout)
	}
}
