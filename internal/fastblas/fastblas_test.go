package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

const u = 0x1p-53 // unit roundoff of float64

// gamma is Higham's γ_j = j·u/(1 − j·u), the relative error bound of a sum
// of j rounded operations ("Accuracy and Stability of Numerical
// Algorithms", 2nd ed., §3.1).
func gamma(j int) float64 { return float64(j) * u / (1 - float64(j)*u) }

// withKernels runs f once per available micro-kernel (the pure-Go one, and
// the assembly one when the CPU supports it), restoring the default after.
// The pure-Go run also sends the skinny shapes that Dgemm normally hands to
// gonum through the packed path.
func withKernels(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() { useAsmKernel, delegateSkinny = hasAsmKernel, true }()
	useAsmKernel, delegateSkinny = false, false
	t.Run("kernel=go/skinny=packed", f)
	delegateSkinny = true
	if hasAsmKernel {
		useAsmKernel = true
		t.Run("kernel=avx2/skinny=gonum", f)
	} else {
		t.Log("no AVX2/FMA on this CPU: assembly kernel not tested")
	}
}

// matrix is a rows×cols row-major matrix stored with stride ≥ cols; the
// padding holds a sentinel NaN that no routine may change.
type matrix struct {
	rows, cols, stride int
	data               []float64
}

// padNaN is a NaN with a recognisable payload, so that a routine that
// copies padding somewhere is caught by bit comparison.
var padNaN = math.Float64frombits(0x7ff8_dead_beef_0001)

func newMatrix(rng *rand.Rand, rows, cols, pad int) matrix {
	stride := max(1, cols+pad)
	m := matrix{rows, cols, stride, make([]float64, max(0, (rows-1)*stride+cols))}
	if rows == 0 {
		m.data = nil
	}
	for i := range m.data {
		if i%stride < cols {
			m.data[i] = 2*rng.Float64() - 1
		} else {
			m.data[i] = padNaN
		}
	}
	return m
}

func (m matrix) at(i, j int) float64 { return m.data[i*m.stride+j] }

func (m matrix) clone() matrix {
	m.data = append([]float64(nil), m.data...)
	return m
}

// sameBits reports whether x and y hold identical bit patterns.
func sameBits(x, y []float64) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
			return false
		}
	}
	return true
}

// naiveGemm is the textbook triple loop, the independent oracle:
// ref[i,j] = alpha·Σ_p op(A)[i,p]·op(B)[p,j] + beta·C[i,j], together with
// the magnitude bound[i,j] = |alpha|·Σ_p |op(A)[i,p]|·|op(B)[p,j]| + |beta|·|C[i,j]|
// (C not read when beta = 0).
func naiveGemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a, b matrix, beta float64, c matrix) (ref, bound []float64) {
	opA := func(i, p int) float64 {
		if tA == blas.NoTrans {
			return a.at(i, p)
		}
		return a.at(p, i)
	}
	opB := func(p, j int) float64 {
		if tB == blas.NoTrans {
			return b.at(p, j)
		}
		return b.at(j, p)
	}
	ref = make([]float64, m*n)
	bound = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			for p := 0; p < k; p++ {
				x, y := opA(i, p), opB(p, j)
				s += x * y
				sa += math.Abs(x * y)
			}
			r, bd := alpha*s, math.Abs(alpha)*sa
			if beta != 0 {
				r += beta * c.at(i, j)
				bd += math.Abs(beta) * math.Abs(c.at(i, j))
			}
			ref[i*n+j], bound[i*n+j] = r, bd
		}
	}
	return ref, bound
}

// checkAgainst compares the m×n result in c with ref. Both are computed
// results, each within γ_{k+2}·bound of the exact one (k products summed,
// then scaled by alpha and added to beta·C), so they may differ by twice
// that; one more γ covers the rounding of bound itself.
func checkAgainst(t *testing.T, what string, c matrix, ref, bound []float64, k int) {
	t.Helper()
	tol := 2 * gamma(k+3)
	for i := 0; i < c.rows; i++ {
		for j := 0; j < c.cols; j++ {
			got, want := c.at(i, j), ref[i*c.cols+j]
			if d := math.Abs(got - want); !(d <= tol*bound[i*c.cols+j]) {
				t.Fatalf("%s: C[%d,%d] = %v, want %v: |difference| %.3g > %.3g = 2γ_{k+3}·bound",
					what, i, j, got, want, d, tol*bound[i*c.cols+j])
			}
		}
	}
}

type gemmCase struct {
	tA, tB      blas.Transpose
	m, n, k     int
	alpha, beta float64
	pad         int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%c/tB=%c/m=%d/n=%d/k=%d/alpha=%g/beta=%g/pad=%d",
		tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// runGemmCase runs one case through Implementation.Dgemm and checks it
// against the naive loop and against gonum's Dgemm, and checks that A, B
// and the padding of C are untouched.
func runGemmCase(t *testing.T, rng *rand.Rand, tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.tA != blas.NoTrans {
		ar, ac = ac, ar
	}
	br, bc := tc.k, tc.n
	if tc.tB != blas.NoTrans {
		br, bc = bc, br
	}
	a := newMatrix(rng, ar, ac, tc.pad)
	b := newMatrix(rng, br, bc, tc.pad+1)
	c := newMatrix(rng, tc.m, tc.n, tc.pad+2)
	if tc.beta == 0 {
		// beta = 0 means C is not read: any NaN in it must vanish.
		for i := 0; i < c.rows; i++ {
			for j := 0; j < c.cols; j++ {
				c.data[i*c.stride+j] = math.NaN()
			}
		}
	}
	a0, b0 := a.clone(), b.clone()
	ref, bound := naiveGemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, b, tc.beta, c)

	got := c.clone()
	Implementation{}.Dgemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a.data, a.stride, b.data, b.stride, tc.beta, got.data, got.stride)
	if !sameBits(a.data, a0.data) || !sameBits(b.data, b0.data) {
		t.Fatalf("%v: A or B modified", tc)
	}
	for i := range got.data {
		if i%got.stride >= got.cols && math.Float64bits(got.data[i]) != math.Float64bits(c.data[i]) {
			t.Fatalf("%v: padding of C at offset %d changed to %v", tc, i, got.data[i])
		}
	}
	checkAgainst(t, tc.String()+" vs naive", got, ref, bound, tc.k)

	want := c.clone()
	gonum.Implementation{}.Dgemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a.data, a.stride, b.data, b.stride, tc.beta, want.data, want.stride)
	gonumRef := make([]float64, tc.m*tc.n)
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			gonumRef[i*tc.n+j] = want.at(i, j)
		}
	}
	checkAgainst(t, tc.String()+" vs gonum", got, gonumRef, bound, tc.k)
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

// TestDgemmSmall sweeps every shape with m, n, k in a set of small sizes
// (including 0 and sizes around the 6×8 micro-tile), every transpose pair,
// and strides with and without padding.
func TestDgemmSmall(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 5, 7, 9, 17}
	scalars := [][2]float64{{1, 0}, {1, 1}, {-1.5, 0.25}, {0, 0}, {0, 2}}
	withKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, m := range sizes {
					for _, n := range sizes {
						for _, k := range sizes {
							s := scalars[(m+2*n+3*k)%len(scalars)]
							runGemmCase(t, rng, gemmCase{tA, tB, m, n, k, s[0], s[1], (m + n + k) % 3})
						}
					}
				}
			}
		}
	})
}

// TestDgemmBlocks covers sizes that cross the block boundaries: k past
// kcBlock, m past mcBlock, n past ncBlock, and products big enough to run
// on several goroutines.
func TestDgemmBlocks(t *testing.T) {
	shapes := [][3]int{
		{63, 65, 129}, {65, 63, 257}, {129, 17, 63}, {1, 300, 257}, {300, 1, 257},
		{97, 101, 513}, {7, ncBlock + 9, 3}, {257, 129, 65}, {64, 700, 300},
	}
	scalars := [][2]float64{{1, 0}, {-1, 1}, {0.5, -2}}
	withKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for i, sh := range shapes {
			for _, tA := range transposes {
				for _, tB := range transposes {
					s := scalars[i%len(scalars)]
					runGemmCase(t, rng, gemmCase{tA, tB, sh[0], sh[1], sh[2], s[0], s[1], i % 2 * 5})
				}
			}
		}
	})
}

// TestDgemmConjTrans checks that ConjTrans means Trans for real matrices.
func TestDgemmConjTrans(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	runGemmCase(t, rng, gemmCase{blas.ConjTrans, blas.ConjTrans, 9, 10, 11, 1, 0.5, 1})
}

// TestDgemmAlphaZeroDoesNotReadAB checks the reference BLAS rule that A and
// B are not read when alpha = 0: NaN in them must not reach C.
func TestDgemmAlphaZeroDoesNotReadAB(t *testing.T) {
	a := []float64{math.NaN(), math.Inf(1), 1, 2}
	c := []float64{1, 2, 3, 4}
	Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 0, a, 2, a, 2, 0.5, c, 2)
	want := []float64{0.5, 1, 1.5, 2}
	if !sameBits(c, want) {
		t.Errorf("alpha = 0: C = %v, want %v", c, want)
	}
}

// TestCheckCanFail makes sure the comparison used above rejects a result
// that is off by more than the bound.
func TestCheckCanFail(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := newMatrix(rng, 5, 40, 0), newMatrix(rng, 40, 4, 0)
	c := newMatrix(rng, 5, 4, 0)
	ref, bound := naiveGemm(blas.NoTrans, blas.NoTrans, 5, 4, 40, 1, a, b, 0, c)
	got := c.clone()
	copy(got.data, ref)
	got.data[7] += 3 * 2 * gamma(43) * bound[7]
	ft := &testing.T{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkAgainst(ft, "perturbed", got, ref, bound, 40)
	}()
	<-done
	if !ft.Failed() {
		t.Error("a perturbation of 3× the tolerance passed the check")
	}
}

// TestDgemmPanics checks that every invalid argument panics with gonum's
// message, and that valid degenerate calls do not panic.
func TestDgemmPanics(t *testing.T) {
	buf := make([]float64, 100)
	type call struct {
		name        string
		tA, tB      blas.Transpose
		m, n, k     int
		a, b, c     []float64
		lda, ldb, l int
	}
	calls := []call{
		{"badTransA", 'X', blas.NoTrans, 2, 2, 2, buf, buf, buf, 2, 2, 2},
		{"badTransB", blas.NoTrans, 0, 2, 2, 2, buf, buf, buf, 2, 2, 2},
		{"m<0", blas.NoTrans, blas.NoTrans, -1, 2, 2, buf, buf, buf, 2, 2, 2},
		{"n<0", blas.NoTrans, blas.NoTrans, 2, -1, 2, buf, buf, buf, 2, 2, 2},
		{"k<0", blas.NoTrans, blas.NoTrans, 2, 2, -1, buf, buf, buf, 2, 2, 2},
		{"lda", blas.NoTrans, blas.NoTrans, 2, 2, 3, buf, buf, buf, 2, 2, 2},
		{"ldaT", blas.Trans, blas.NoTrans, 3, 2, 2, buf, buf, buf, 2, 2, 2},
		{"ldb", blas.NoTrans, blas.NoTrans, 2, 3, 2, buf, buf, buf, 2, 2, 3},
		{"ldbT", blas.NoTrans, blas.Trans, 2, 2, 3, buf, buf, buf, 3, 2, 2},
		{"ldc", blas.NoTrans, blas.NoTrans, 2, 3, 2, buf, buf, buf, 2, 3, 2},
		{"shortA", blas.NoTrans, blas.NoTrans, 4, 2, 3, buf[:10], buf, buf, 3, 2, 2},
		{"shortB", blas.NoTrans, blas.Trans, 2, 4, 3, buf, buf[:11], buf, 3, 3, 4},
		{"shortC", blas.NoTrans, blas.NoTrans, 3, 3, 2, buf, buf, buf[:8], 2, 3, 3},
		{"m=0 short", blas.NoTrans, blas.NoTrans, 0, 3, 2, nil, nil, nil, 2, 3, 3},
		{"k=0 short", blas.NoTrans, blas.NoTrans, 2, 2, 0, buf[:1], buf[:2], buf[:4], 1, 2, 2},
		{"lda=0", blas.NoTrans, blas.NoTrans, 2, 2, 0, buf, buf, buf[:4], 0, 2, 2},
		{"k=0 nil", blas.NoTrans, blas.NoTrans, 2, 2, 0, nil, nil, buf[:4], 1, 2, 2},
	}
	recovered := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	for _, tc := range calls {
		run := func(impl blas.Float64) any {
			c := append([]float64(nil), tc.c...)
			return recovered(func() {
				impl.Dgemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0, c, tc.l)
			})
		}
		got, want := run(Implementation{}), run(gonum.Implementation{})
		if got != want {
			t.Errorf("%s: panic %v, gonum panics %v", tc.name, got, want)
		}
		if tc.name == "k=0 short" && want != nil {
			t.Errorf("%s: gonum panicked %v on a valid call", tc.name, want)
		}
	}
}

// TestDgemmConcurrent runs products on several goroutines at once; with
// -race it checks that the reused workspaces (the free list) are not shared.
func TestDgemmConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			n := 70 + 13*g
			a, b, c := newMatrix(rng, n, n, 1), newMatrix(rng, n, n, 0), newMatrix(rng, n, n, 2)
			ref, bound := naiveGemm(blas.NoTrans, blas.Trans, n, n, n, 1, a, b, 0, c)
			for range 5 {
				got := c.clone()
				Implementation{}.Dgemm(blas.NoTrans, blas.Trans, n, n, n, 1, a.data, a.stride, b.data, b.stride, 0, got.data, got.stride)
				tol := 2 * gamma(n+3)
				for i := range n {
					for j := range n {
						if d := math.Abs(got.at(i, j) - ref[i*n+j]); !(d <= tol*bound[i*n+j]) {
							errs <- fmt.Sprintf("goroutine %d: C[%d,%d] off by %g", g, i, j, d)
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
