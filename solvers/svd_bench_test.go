package solvers

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// The benchmarks compare "svd" and "ridge-svd" (impl=new) with the full SVD
// they used before (impl=old: xGESVD forming U and Vᵀ, and mat.SVD for
// ridge), kept here only as a yardstick. Sub-benchmarks run size by size,
// old then new, so that with -count N the two alternate on a shared machine:
//
//	go test ./solvers -run '^$' -bench 'SVDSolve' -count 6 | tee svd.txt
//	go tool benchstat -col /impl svd.txt
//
// Sizes up to 500 run by default; LSTSQ_SVD_BENCH_SHAPES lists others as
// n×p pairs, e.g. "1000x1000,1000x2000,2000x1000" (the old code takes tens of
// seconds there; add -benchtime 1x).

// svdBenchSeed seeds every benchmark instance (Gaussian X and y).
const svdBenchSeed = 5

// svdBenchShapes returns the n×p shapes to benchmark.
func svdBenchShapes(b *testing.B) [][2]int {
	env := os.Getenv("LSTSQ_SVD_BENCH_SHAPES")
	if env == "" {
		return [][2]int{{200, 200}, {250, 250}, {400, 400}, {500, 500}}
	}
	var shapes [][2]int
	for _, f := range strings.Split(env, ",") {
		var n, p int
		if _, err := fmt.Sscanf(f, "%dx%d", &n, &p); err != nil || n < 1 || p < 1 {
			b.Fatalf("LSTSQ_SVD_BENCH_SHAPES: %q is not n×p (like 1000x2000)", f)
		}
		shapes = append(shapes, [2]int{n, p})
	}
	return shapes
}

func BenchmarkSVDSolve(b *testing.B) {
	old := &SVD{}
	oldSolve := func(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
		w, _, err := solveScaled("svd-old", &old.cfg, false, 0, X, y, gesvdCore)
		return w, err
	}
	svdBench(b, oldSolve, NewSVD().Solve)
}

func BenchmarkRidgeSVDSolve(b *testing.B) {
	const lambda = 1e-3
	old := NewRidgeSVD(lambda)
	oldSolve := func(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
		w, _, err := solveScaled("ridge-svd-old", &old.cfg, true, lambda, X, y, func(t *task) (*mat.VecDense, Report, error) {
			return matSVDRidgeCore(old, t)
		})
		return w, err
	}
	svdBench(b, oldSolve, NewRidgeSVD(lambda).Solve)
}

func svdBench(b *testing.B, old, new func(mat.Matrix, mat.Vector) (*mat.VecDense, error)) {
	b.Logf("seed %d", svdBenchSeed)
	for _, sh := range svdBenchShapes(b) {
		n, p := sh[0], sh[1]
		rng := problem.New(svdBenchSeed)
		X := problem.Gaussian(rng, n, p)
		y := mat.NewVecDense(n, problem.Gaussian(rng, n, 1).RawMatrix().Data)
		for _, impl := range []struct {
			name  string
			solve func(mat.Matrix, mat.Vector) (*mat.VecDense, error)
		}{{"old", old}, {"new", new}} {
			b.Run(fmt.Sprintf("n=%d/p=%d/impl=%s", n, p, impl.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := impl.solve(X, y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// gesvdCore is the former "svd" core: xGESVD forming U (n×k) and Vᵀ (k×p),
// then w = V_r·Σ_r⁻¹·U_rᵀy.
func gesvdCore(t *task) (*mat.VecDense, Report, error) {
	raw := t.X.RawMatrix()
	n, p := raw.Rows, raw.Cols
	k := min(n, p)
	sigma := make([]float64, k)
	u := blas64.General{Rows: n, Cols: k, Stride: k, Data: make([]float64, n*k)}
	vt := blas64.General{Rows: k, Cols: p, Stride: p, Data: make([]float64, k*p)}
	work := []float64{0}
	lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, raw, u, vt, sigma, work, -1)
	work = make([]float64, int(work[0]))
	if !lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, raw, u, vt, sigma, work, len(work)) {
		return nil, Report{}, ErrNotConverged
	}
	r := svdRank(sigma, svdDefaultRCond(n, p))
	c := make([]float64, r)
	blas64.Gemv(blas.Trans, 1, blas64.General{Rows: n, Cols: r, Stride: k, Data: u.Data}, t.y.RawVector(), 0, blas64.Vector{N: r, Inc: 1, Data: c})
	for i := range c {
		c[i] /= sigma[i]
	}
	w := mat.NewVecDense(p, nil)
	blas64.Gemv(blas.Trans, 1, blas64.General{Rows: r, Cols: p, Stride: p, Data: vt.Data}, blas64.Vector{N: r, Inc: 1, Data: c}, 0, w.RawVector())
	return w, Report{Rank: r, Cond: sigma[0] / sigma[r-1]}, nil
}

// matSVDRidgeCore is the former "ridge-svd" core: mat.SVD (thin U and V),
// then w_λ = V·diag(f_λ(σ))·Uᵀy.
func matSVDRidgeCore(s *RidgeSVD, t *task) (*mat.VecDense, Report, error) {
	var svd mat.SVD
	if !svd.Factorize(t.X, mat.SVDThin) {
		return nil, Report{}, ErrNotConverged
	}
	sigma := svd.Values(nil)
	var U, V mat.Dense
	svd.UTo(&U)
	svd.VTo(&V)
	var c mat.VecDense
	c.MulVec(U.T(), t.y)
	n, p := t.X.Dims()
	r := svdRank(sigma, svdRCond(&s.cfg, n, p, t.lambda))
	for i := 0; i < c.Len(); i++ {
		f := 0.0
		if i < r {
			f = ridgeFilter(sigma[i], t.lambda)
		}
		c.SetVec(i, f*c.AtVec(i))
	}
	w := mat.NewVecDense(p, nil)
	w.MulVec(&V, &c)
	return w, Report{}, nil
}
