package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemvCase is one call of Dgemv: an m×n A padded to stride n+pad, x and y
// with increments incX and incY.
type gemvCase struct {
	tA          blas.Transpose
	m, n, pad   int
	incX, incY  int
	alpha, beta float64
}

func (c gemvCase) String() string {
	return fmt.Sprintf("tA=%c m=%d n=%d lda=n+%d incX=%d incY=%d alpha=%g beta=%g",
		c.tA, c.m, c.n, c.pad, c.incX, c.incY, c.alpha, c.beta)
}

// lengths returns the lengths of x and y.
func (c gemvCase) lengths() (lenX, lenY int) {
	if c.tA == blas.NoTrans {
		return c.n, c.m
	}
	return c.m, c.n
}

// vector returns l random entries in [−1, 1) with increment inc; the gaps
// hold padNaN.
func vector(rng *rand.Rand, l, inc int) []float64 {
	if l == 0 {
		return nil
	}
	step := abs(inc)
	v := make([]float64, (l-1)*step+1)
	for i := range v {
		v[i] = padNaN
		if i%step == 0 {
			v[i] = 2*rng.Float64() - 1
		}
	}
	return v
}

// entry returns the index of entry k of a vector of length l with increment
// inc, counted from the far end when inc < 0 as in the reference BLAS.
func entry(k, l, inc int) int {
	if inc < 0 {
		return (k - l + 1) * inc
	}
	return k * inc
}

// naiveGemv returns y = alpha·op(A)·x + beta·y by the textbook loop, in
// entry order, and the bound |alpha|·|op(A)|·|x| + |beta|·|y| on each
// entry. As in the BLAS, y is not read when beta = 0.
func naiveGemv(c gemvCase, a matrix, x, y []float64) (ref, bound []float64) {
	lenX, lenY := c.lengths()
	ref, bound = make([]float64, lenY), make([]float64, lenY)
	for i := range lenY {
		var s, b float64
		for j := range lenX {
			var aij float64
			if c.tA == blas.NoTrans {
				aij = a.at(i, j)
			} else {
				aij = a.at(j, i)
			}
			xj := x[entry(j, lenX, c.incX)]
			s += aij * xj
			b += math.Abs(aij * xj)
		}
		ref[i], bound[i] = c.alpha*s, math.Abs(c.alpha)*b
		if c.beta != 0 {
			yi := y[entry(i, lenY, c.incY)]
			ref[i] += c.beta * yi
			bound[i] += math.Abs(c.beta * yi)
		}
	}
	return ref, bound
}

// checkGemv returns a description of the first entry of y that is not
// within 2·γ_{k+3}·bound of ref, k the length of the dot products, or "".
// Both y and ref are computed results, each within γ_{k+2}·bound of the
// exact one (k products summed, scaled by alpha, added to beta·y; Higham,
// §3.1), so they may differ by twice that; one more γ covers the rounding of
// bound itself. The bound is zero for an exact product, and then so must be
// the difference.
func checkGemv(c gemvCase, y, ref, bound []float64) string {
	lenX, lenY := c.lengths()
	tol := 2 * gamma(lenX+3)
	for i := range lenY {
		got := y[entry(i, lenY, c.incY)]
		if d := math.Abs(got - ref[i]); !(d <= tol*bound[i]) {
			return fmt.Sprintf("y[%d] = %v, want %v: |difference| %.3g > %.3g = 2γ_{k+3}·bound", i, got, ref[i], d, tol*bound[i])
		}
	}
	return ""
}

// runGemvCase calls Dgemv on random data and checks y against naiveGemv,
// that beta = 0 overwrites a NaN in y, and that A, x and the gaps of y are
// left alone; and, when m or n is 0, that y is left alone too.
func runGemvCase(t *testing.T, rng *rand.Rand, c gemvCase) {
	t.Helper()
	lenX, lenY := c.lengths()
	a := newMatrix(rng, c.m, c.n, c.pad)
	x, y := vector(rng, lenX, c.incX), vector(rng, lenY, c.incY)
	if c.beta == 0 {
		for i := range lenY {
			y[entry(i, lenY, c.incY)] = math.NaN()
		}
	}
	a0, x0, y0 := a.clone(), append([]float64(nil), x...), append([]float64(nil), y...)
	ref, bound := naiveGemv(c, a, x, y)
	Implementation{}.Dgemv(c.tA, c.m, c.n, c.alpha, a.data, a.stride, x, c.incX, c.beta, y, c.incY)
	if !sameBits(a.data, a0.data) || !sameBits(x, x0) {
		t.Fatalf("%v: A or x modified", c)
	}
	if c.m == 0 || c.n == 0 {
		// The BLAS quick return: y is left as it is, even for beta ≠ 1.
		if !sameBits(y, y0) {
			t.Fatalf("%v: y modified by an empty product", c)
		}
		return
	}
	step := abs(c.incY)
	for i := range y {
		if i%step != 0 && !sameBits(y[i:i+1], y0[i:i+1]) {
			t.Fatalf("%v: y[%d], between entries of y, modified", c, i)
		}
	}
	if msg := checkGemv(c, y, ref, bound); msg != "" {
		t.Fatalf("%v: %s", c, msg)
	}
}

var gemvIncs = []int{1, 2, -1, -3}

// withGemvPaths runs f with the assembly kernels and with their fallback,
// gonum's kernel on each block (withKernels' "kernel=go" run), on every
// shape (small ones too, which Dgemv normally leaves to gonum whole), then
// once as Dgemv normally runs.
func withGemvPaths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer func() { delegateSmallGemv = true }()
	delegateSmallGemv = false
	t.Run("small=ours", func(t *testing.T) { withKernels(t, f) })
	delegateSmallGemv = true
	t.Run("small=gonum", f)
}

// withParallelGemvFrom lowers the parallel threshold of Dgemv to n entries
// for the rest of the test, so that the split is exercised on matrices small
// enough to check quickly. Tests that call it must not run in parallel.
func withParallelGemvFrom(t *testing.T, n int) {
	old := minParallelGemv
	minParallelGemv = n
	t.Cleanup(func() { minParallelGemv = old })
}

// TestDgemv checks Dgemv against the naive loop for every combination of
// transpose, small sizes (remainders of the blocks of 4 and 8 rows and
// columns), padded A, increments and scalars, and on larger shapes, some
// above the parallel threshold, with four pairs of increments and the
// scalars and pads taken in turn.
func TestDgemv(t *testing.T) {
	withParallelGemvFrom(t, 1<<17)
	withGemvPaths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(17, 18))
		small := []int{0, 1, 2, 3, 5, 7, 8, 9, 17}
		scalars := [][2]float64{{0, 0}, {0, 1}, {0, 0.5}, {1, 0}, {1, 1}, {1, 0.5}, {-2.5, 0}, {-2.5, 1}, {-2.5, 0.5}}
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans} {
			for _, m := range small {
				for _, n := range small {
					for _, incX := range gemvIncs {
						for _, incY := range gemvIncs {
							for k, s := range scalars {
								runGemvCase(t, rng, gemvCase{tA, m, n, k % 3, incX, incY, s[0], s[1]})
							}
						}
					}
				}
			}
		}
		sizes := []int{1, 3, 9, 63, 64, 65, 130}
		shapes := [][2]int{{300, 500}, {500, 300}, {1000, 131}, {131, 1000}, {17, 9000}, {9000, 17}, {1000, 1003}}
		for _, m := range sizes {
			for _, n := range sizes {
				shapes = append(shapes, [2]int{m, n})
			}
		}
		k := 0
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, sh := range shapes {
				// Each increment in each place, both signs together.
				for _, inc := range [][2]int{{1, 1}, {2, -1}, {-3, 2}, {-1, -3}} {
					k++
					s := scalars[k%len(scalars)]
					runGemvCase(t, rng, gemvCase{tA, sh[0], sh[1], k % 5, inc[0], inc[1], s[0], s[1]})
				}
			}
		}
	})
}

// TestDgemvSplitInvariant checks that each entry of y does not depend on
// how the product is cut: the same bits with 1, 2 or 3 goroutines, and, with
// the assembly kernels, when y is computed one entry at a time (m = 1 for
// A·x, n = 1 for Aᵀ·x). The
// blocks of y are aligned to the kernels' blocks and every entry goes
// through the same operations wherever it falls, so results are
// reproducible whatever GOMAXPROCS. (The single entries are long enough
// dot products not to be left to gonum.)
func TestDgemvSplitInvariant(t *testing.T) {
	withParallelGemvFrom(t, 1<<17)
	withGemvPaths(t, func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
		rng := rand.New(rand.NewPCG(25, 26))
		for _, sh := range [][2]int{{1000, 613}, {613, 1000}, {517, 613}} {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				m, n := sh[0], sh[1]
				c := gemvCase{tA, m, n, 3, 1, 1, -2.5, 0.5}
				lenX, lenY := c.lengths()
				a := newMatrix(rng, m, n, c.pad)
				x, y0 := vector(rng, lenX, 1), vector(rng, lenY, 1)
				var want []float64
				for _, procs := range []int{1, 2, 3} {
					runtime.GOMAXPROCS(procs)
					y := append([]float64(nil), y0...)
					Implementation{}.Dgemv(tA, m, n, c.alpha, a.data, a.stride, x, 1, c.beta, y, 1)
					if want == nil {
						want = y
					} else if !sameBits(y, want) {
						t.Fatalf("%v: GOMAXPROCS=%d gives other bits than 1", c, procs)
					}
				}
				if !useAsmKernel {
					// gonum's kernel, the fallback, sums a row
					// differently alone and in a block of four.
					continue
				}
				y := append([]float64(nil), y0...)
				for i := range lenY {
					if tA == blas.NoTrans {
						Implementation{}.Dgemv(tA, 1, n, c.alpha, a.data[i*a.stride:], a.stride, x, 1, c.beta, y[i:], 1)
					} else {
						Implementation{}.Dgemv(tA, m, 1, c.alpha, a.data[i:], a.stride, x, 1, c.beta, y[i:], 1)
					}
				}
				if !sameBits(y, want) {
					t.Fatalf("%v: one entry at a time gives other bits", c)
				}
			}
		}
	})
}

// TestDgemvConcurrent runs strided products, which borrow buffers from a
// shared pool, and parallel ones from several goroutines at once (run it
// with -race) and checks each against the same product run alone: Dgemv is
// deterministic, so the bits must match.
func TestDgemvConcurrent(t *testing.T) {
	withParallelGemvFrom(t, 1<<17)
	rng := rand.New(rand.NewPCG(27, 28))
	const m, n = 400, 500
	a := newMatrix(rng, m, n, 1)
	x, y0 := vector(rng, max(m, n), 2), vector(rng, max(m, n), -3)
	want := make(map[blas.Transpose][]float64)
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		want[tA] = append([]float64(nil), y0...)
		Implementation{}.Dgemv(tA, m, n, 1.5, a.data, a.stride, x, 2, 0.5, want[tA], -3)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tA := []blas.Transpose{blas.NoTrans, blas.Trans}[w%2]
			for range 10 {
				y := append([]float64(nil), y0...)
				Implementation{}.Dgemv(tA, m, n, 1.5, a.data, a.stride, x, 2, 0.5, y, -3)
				if !sameBits(y, want[tA]) {
					errs <- fmt.Sprintf("goroutine %d, tA=%c: other bits than alone", w, tA)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// TestDgemvNaN puts a NaN, an infinity or a zero-times-infinity in every
// position of A and of x in turn and checks that exactly the entries of y
// that depend on it become NaN or infinite, and that a NaN in y survives
// when beta ≠ 0, including in the remainder rows and masked tail columns of
// the kernels.
func TestDgemvNaN(t *testing.T) {
	withGemvPaths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(19, 20))
		const m, n = 11, 13
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			c := gemvCase{tA, m, n, 2, 1, 1, 1.5, 0.5}
			lenX, lenY := c.lengths()
			for _, bad := range []float64{math.NaN(), math.Inf(1)} {
				for p := range m*n + lenX + lenY {
					a := newMatrix(rng, m, n, c.pad)
					x, y := vector(rng, lenX, 1), vector(rng, lenY, 1)
					// dep reports whether y[i] depends on the bad value.
					var dep func(i int) bool
					switch {
					case p < m*n:
						pi, pj := p/n, p%n
						a.data[pi*a.stride+pj] = bad
						dep = func(i int) bool { return i == pi }
						if tA != blas.NoTrans {
							dep = func(i int) bool { return i == pj }
						}
					case p < m*n+lenX:
						x[p-m*n] = bad
						dep = func(int) bool { return true }
					default:
						y[p-m*n-lenX] = bad
						dep = func(i int) bool { return i == p-m*n-lenX }
					}
					Implementation{}.Dgemv(tA, m, n, c.alpha, a.data, a.stride, x, 1, c.beta, y, 1)
					for i, yi := range y {
						if finite := !math.IsNaN(yi) && !math.IsInf(yi, 0); finite == dep(i) {
							t.Fatalf("tA=%c, %v at position %d of (A, x, y): y[%d] = %v", tA, bad, p, i, yi)
						}
					}
				}
			}
		}
	})
}

// TestDgemvZeroTimesInf checks that a zero in x times an infinity in A gives
// NaN, as in gonum: no term of the product is skipped.
func TestDgemvZeroTimesInf(t *testing.T) {
	withGemvPaths(t, func(t *testing.T) {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, size := range []int{1, 6, 11, 40} {
				a := make([]float64, size*size)
				x, y := make([]float64, size), make([]float64, size)
				a[len(a)-1] = math.Inf(-1)
				Implementation{}.Dgemv(tA, size, size, 1, a, size, x, 1, 0, y, 1)
				if !math.IsNaN(y[size-1]) {
					t.Fatalf("tA=%c size=%d: 0·∞ gave y = %v, want NaN", tA, size, y[size-1])
				}
			}
		}
	})
}

// TestCheckGemvCanFail perturbs one entry of a correct result by three
// times the tolerance and checks that checkGemv notices.
func TestCheckGemvCanFail(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	c := gemvCase{blas.Trans, 40, 30, 1, 1, 2, -2.5, 0.5}
	lenX, lenY := c.lengths()
	a := newMatrix(rng, c.m, c.n, c.pad)
	x, y := vector(rng, lenX, c.incX), vector(rng, lenY, c.incY)
	ref, bound := naiveGemv(c, a, x, y)
	Implementation{}.Dgemv(c.tA, c.m, c.n, c.alpha, a.data, a.stride, x, c.incX, c.beta, y, c.incY)
	if msg := checkGemv(c, y, ref, bound); msg != "" {
		t.Fatalf("correct result rejected: %s", msg)
	}
	y[entry(7, lenY, c.incY)] += 3 * 2 * gamma(lenX+3) * bound[7]
	if checkGemv(c, y, ref, bound) == "" {
		t.Fatal("a perturbation of 3× the tolerance passed")
	}
}

// TestDgemvNoAlloc checks that a product of contiguous vectors below the
// parallel threshold allocates nothing: Dlaqps and Dlarf call Dgemv on many
// small blocks.
func TestDgemvNoAlloc(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	a, x, y := randSlice(rng, 50*60), randSlice(rng, 60), randSlice(rng, 60)
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		if allocs := testing.AllocsPerRun(10, func() {
			Implementation{}.Dgemv(tA, 50, 60, 1.5, a, 60, x, 1, 0.5, y, 1)
		}); allocs != 0 {
			t.Errorf("tA=%c: %v allocations per call, want 0", tA, allocs)
		}
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// TestDgemvPanics checks that invalid arguments panic with gonum's messages.
func TestDgemvPanics(t *testing.T) {
	buf := make([]float64, 100)
	type call struct {
		tA   blas.Transpose
		m, n int
		a    []float64
		lda  int
		x    []float64
		incX int
		y    []float64
		incY int
	}
	recovered := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	for i, tc := range []call{
		{'X', 2, 2, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, -1, 2, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, -1, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, 3, buf, 2, buf, 1, buf, 1},
		{blas.NoTrans, 2, 2, buf, 2, buf, 0, buf, 1},
		{blas.NoTrans, 2, 2, buf, 2, buf, 1, buf, 0},
		{blas.NoTrans, 2, 3, buf, 3, buf[:2], 1, buf, 1},
		{blas.NoTrans, 2, 3, buf, 3, buf[:6], -3, buf, 1},
		{blas.Trans, 2, 3, buf, 3, buf, 1, buf[:2], 1},
		{blas.Trans, 2, 3, buf, 3, buf, 1, buf[:4], -2},
		{blas.Trans, 2, 3, buf, 3, buf[:1], 2, buf, 1},
		{blas.NoTrans, 3, 3, buf[:8], 3, buf, 1, buf, 1},
		{blas.Trans, 3, 3, buf[:8], 3, buf, 1, buf, 1},
		{blas.NoTrans, 0, 3, nil, 3, nil, 1, nil, 1},
		{blas.Trans, 3, 0, nil, 1, nil, 1, nil, 1},
		{blas.Trans, 3, 0, nil, 0, nil, 1, nil, 1},
	} {
		run := func(impl blas.Float64) any {
			y := append([]float64(nil), tc.y...)
			return recovered(func() { impl.Dgemv(tc.tA, tc.m, tc.n, 1, tc.a, tc.lda, tc.x, tc.incX, 0, y, tc.incY) })
		}
		if got, want := run(Implementation{}), run(gonum.Implementation{}); got != want {
			t.Errorf("Dgemv case %d: panic %v, gonum panics %v", i, got, want)
		}
	}
}

// TestHelpersSleepAndWake runs parallel products with pauses longer than
// helperSpin between them, so that the helpers have gone to sleep and must
// be woken, and checks each against the product run on one goroutine.
func TestHelpersSleepAndWake(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	rng := rand.New(rand.NewPCG(29, 30))
	const m, n = 300, 400
	a := newMatrix(rng, m, n, 0)
	x := vector(rng, max(m, n), 1)
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		withParallelGemvFrom(t, 1<<40)
		want := make([]float64, max(m, n))
		Implementation{}.Dgemv(tA, m, n, 1, a.data, a.stride, x, 1, 0, want, 1)
		withParallelGemvFrom(t, 1)
		for round := range 3 {
			time.Sleep(3 * helperSpin)
			y := make([]float64, max(m, n))
			Implementation{}.Dgemv(tA, m, n, 1, a.data, a.stride, x, 1, 0, y, 1)
			if !sameBits(y, want) {
				t.Fatalf("tA=%c, round %d after a pause: other bits than on one goroutine", tA, round)
			}
		}
	}
}
