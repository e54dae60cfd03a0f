//go:build openblas

package solvers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
	lapacknetlib "gonum.org/v1/netlib/lapack/netlib"
)

// The oracle of these tests is gonum's native, row-major LAPACK: svdColMajor
// must compute the same factorizations, stored in the same places, up to
// rounding, on padded strides whose padding it must not touch.

// colMajorPad is the number of junk entries at the end of each row.
const colMajorPad = 3

// colMajorJunk fills the padding, so that any read of it shows in the result
// and any write to it is caught.
const colMajorJunk = -123.25

// colMajorMatrix returns a random row-major r×c matrix with stride c+pad,
// its padding filled with colMajorJunk.
func colMajorMatrix(rng *rand.Rand, r, c int) ([]float64, int) {
	ld := c + colMajorPad
	a := make([]float64, max(1, r*ld))
	for i := range a {
		a[i] = colMajorJunk
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a[i*ld+j] = rng.NormFloat64()
		}
	}
	return a, ld
}

// colMajorCompare checks that got matches want entrywise within
// tol·max|want| and that padding entries (column ≥ c) are still junk.
func colMajorCompare(t *testing.T, what string, got, want []float64, r, c, ld int, tol float64) {
	t.Helper()
	scale := 0.0
	for _, v := range want {
		if v != colMajorJunk {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	for i := 0; i < r; i++ {
		for j := 0; j < ld; j++ {
			g, w := got[i*ld+j], want[i*ld+j]
			if j >= c {
				if g != colMajorJunk {
					t.Errorf("%s: padding [%d,%d] overwritten with %v", what, i, j, g)
					return
				}
				continue
			}
			if !(math.Abs(g-w) <= tol*scale) {
				t.Errorf("%s: [%d,%d] = %v, gonum's %v (tolerance %.3g·%.3g)", what, i, j, g, w, tol, scale)
				return
			}
		}
	}
}

// colMajorVec compares two vectors like colMajorCompare.
func colMajorVec(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	colMajorCompare(t, what, got, want, 1, len(want), len(want), tol)
}

// colMajorWork runs a workspace query and returns workspace of that size.
func colMajorWork(query func(work []float64, lwork int)) []float64 {
	return svdWork(query)
}

// colMajorShapes mixes wide, tall and square, around LAPACK's block size.
var colMajorShapes = [][2]int{{1, 1}, {1, 4}, {4, 1}, {5, 3}, {3, 5}, {40, 40}, {70, 33}, {33, 70}, {90, 81}}

// colMajorTol is the tolerance for results that differ only by the rounding
// of two backward-stable orders of evaluation: 50·max(m, n)·u, relative to
// the largest entry.
func colMajorTol(m, n int) float64 { return 50 * float64(max(m, n)) * 0x1p-53 }

func TestSVDColMajorFactorizations(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 5))
	native, cm := gonum.Implementation{}, svdColMajor{}
	for _, sh := range colMajorShapes {
		m, n := sh[0], sh[1]
		k := min(m, n)
		tol := colMajorTol(m, n)
		a, lda := colMajorMatrix(rng, m, n)

		type factor func(impl svdLapacker, a []float64, tau, work []float64, lwork int)
		for _, f := range []struct {
			name string
			run  factor
		}{
			{"Dgeqrf", func(impl svdLapacker, a, tau, work []float64, lwork int) { impl.Dgeqrf(m, n, a, lda, tau, work, lwork) }},
			{"Dgelqf", func(impl svdLapacker, a, tau, work []float64, lwork int) { impl.Dgelqf(m, n, a, lda, tau, work, lwork) }},
		} {
			var out [2][]float64
			var tau [2][]float64
			for i, impl := range []svdLapacker{native, cm} {
				out[i] = append([]float64(nil), a...)
				tau[i] = make([]float64, k)
				work := colMajorWork(func(w []float64, l int) { f.run(impl, out[i], tau[i], w, l) })
				f.run(impl, out[i], tau[i], work, len(work))
			}
			what := fmt.Sprintf("%s %d×%d", f.name, m, n)
			colMajorCompare(t, what+" A", out[1], out[0], m, n, lda, tol)
			colMajorVec(t, what+" τ", tau[1], tau[0], tol)
		}

		if m == n {
			continue // a different factorization: TestSVDColMajorBidiagonal
		}
		var out, d, e, tauQ, tauP [2][]float64
		for i, impl := range []svdLapacker{native, cm} {
			out[i] = append([]float64(nil), a...)
			d[i], e[i] = make([]float64, k), make([]float64, max(1, k-1))
			tauQ[i], tauP[i] = make([]float64, k), make([]float64, k)
			work := colMajorWork(func(w []float64, l int) {
				impl.Dgebrd(m, n, out[i], lda, d[i], e[i], tauQ[i], tauP[i], w, l)
			})
			impl.Dgebrd(m, n, out[i], lda, d[i], e[i], tauQ[i], tauP[i], work, len(work))
		}
		what := fmt.Sprintf("Dgebrd %d×%d", m, n)
		colMajorCompare(t, what+" A", out[1], out[0], m, n, lda, tol)
		colMajorVec(t, what+" d", d[1], d[0], tol)
		colMajorVec(t, what+" e", e[1][:k-1], e[0][:k-1], tol)

		colMajorVec(t, what+" τ_Q", tauQ[1], tauQ[0], tol)
		colMajorVec(t, what+" τ_P", tauP[1], tauP[0], tol)
	}
}

// colMajorApply checks one way of applying an orthogonal factor: apply runs
// it on the m×n C with the given implementation, for every side and
// transposition; setup returns the factored matrix for a side (as the
// reflectors and τ from gonum's routine, so both see the same input).
func colMajorApply(t *testing.T, name string, rng *rand.Rand,
	apply func(impl svdLapacker, side blas.Side, trans blas.Transpose, m, n int, c []float64, ldc int, work []float64, lwork int),
	m, n int) {
	t.Helper()
	native, cm := gonum.Implementation{}, svdColMajor{}
	tol := colMajorTol(m, n)
	for _, side := range []blas.Side{blas.Left, blas.Right} {
		for _, trans := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			c, ldc := colMajorMatrix(rng, m, n)
			var out [2][]float64
			for i, impl := range []svdLapacker{native, cm} {
				out[i] = append([]float64(nil), c...)
				work := colMajorWork(func(w []float64, l int) { apply(impl, side, trans, m, n, out[i], ldc, w, l) })
				apply(impl, side, trans, m, n, out[i], ldc, work, len(work))
			}
			colMajorCompare(t, fmt.Sprintf("%s side %c trans %c, C %d×%d", name, side, trans, m, n), out[1], out[0], m, n, ldc, tol)
		}
	}
}

func TestSVDColMajorApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 6))
	native := gonum.Implementation{}
	for _, sh := range colMajorShapes {
		m, n := sh[0], sh[1] // C is m×n
		for _, k := range []int{1, min(m, n), max(m, n)} {
			// Q of a QR (nq×k, nq ≥ k) and of an LQ (k×nq, nq ≥ k), nq the
			// order of Q on the side applied.
			qr := map[blas.Side][2][]float64{}
			lq := map[blas.Side][2][]float64{}
			ldqr := map[blas.Side]int{}
			ldlq := map[blas.Side]int{}
			for _, side := range []blas.Side{blas.Left, blas.Right} {
				nq := m
				if side == blas.Right {
					nq = n
				}
				if k > nq {
					continue
				}
				a, lda := colMajorMatrix(rng, nq, k)
				tau := make([]float64, k)
				work := colMajorWork(func(w []float64, l int) { native.Dgeqrf(nq, k, a, lda, tau, w, l) })
				native.Dgeqrf(nq, k, a, lda, tau, work, len(work))
				qr[side], ldqr[side] = [2][]float64{a, tau}, lda

				b, ldb := colMajorMatrix(rng, k, nq)
				taul := make([]float64, k)
				work = colMajorWork(func(w []float64, l int) { native.Dgelqf(k, nq, b, ldb, taul, w, l) })
				native.Dgelqf(k, nq, b, ldb, taul, work, len(work))
				lq[side], ldlq[side] = [2][]float64{b, taul}, ldb
			}
			if len(qr) == 2 { // k ≤ min(m, n): both sides exist
				colMajorApply(t, fmt.Sprintf("Dormqr k=%d", k), rng, func(impl svdLapacker, side blas.Side, trans blas.Transpose, m, n int, c []float64, ldc int, work []float64, lwork int) {
					impl.Dormqr(side, trans, m, n, k, qr[side][0], ldqr[side], qr[side][1], c, ldc, work, lwork)
				}, m, n)
				colMajorApply(t, fmt.Sprintf("Dormlq k=%d", k), rng, func(impl svdLapacker, side blas.Side, trans blas.Transpose, m, n int, c []float64, ldc int, work []float64, lwork int) {
					impl.Dormlq(side, trans, m, n, k, lq[side][0], ldlq[side], lq[side][1], c, ldc, work, lwork)
				}, m, n)
			}

			// Dormbr: Q and P of the bidiagonalization of an nq×k matrix
			// (for Q) or a k×nq matrix (for P), k on either side of nq.
			for _, vect := range []lapack.ApplyOrtho{lapack.ApplyQ, lapack.ApplyP} {
				type factored struct {
					a, tau []float64
					lda    int
				}
				f := map[blas.Side]factored{}
				for _, side := range []blas.Side{blas.Left, blas.Right} {
					nq := m
					if side == blas.Right {
						nq = n
					}
					if nq == k {
						break // TestSVDColMajorSquare
					}
					r, c := nq, k // the matrix reduced by Dgebrd
					if vect == lapack.ApplyP {
						r, c = k, nq
					}
					a, lda := colMajorMatrix(rng, r, c)
					kk := min(r, c)
					d, e := make([]float64, kk), make([]float64, max(1, kk-1))
					tq, tp := make([]float64, kk), make([]float64, kk)
					work := colMajorWork(func(w []float64, l int) { native.Dgebrd(r, c, a, lda, d, e, tq, tp, w, l) })
					native.Dgebrd(r, c, a, lda, d, e, tq, tp, work, len(work))
					tau := tq
					if vect == lapack.ApplyP {
						tau = tp
					}
					f[side] = factored{a, tau, lda}
				}
				if len(f) < 2 {
					continue
				}
				colMajorApply(t, fmt.Sprintf("Dormbr %c k=%d", vect, k), rng, func(impl svdLapacker, side blas.Side, trans blas.Transpose, m, n int, c []float64, ldc int, work []float64, lwork int) {
					impl.Dormbr(vect, side, trans, m, n, k, f[side].a, f[side].lda, f[side].tau, c, ldc, work, lwork)
				}, m, n)
			}
		}
	}
}

// TestSVDColMajorBidiagonal checks svdColMajor's Dgebrd and Dormbr on every
// shape, square included, against the definition A = Q·B·Pᵀ: the applied Q
// and P must bring A to the bidiagonal B of d and e (upper for m > n, lower
// for m ≤ n, svdSquareLower) and back, from both sides, that is
//
//	Qᵀ·A·P = B,  Q·B·Pᵀ = A,  Pᵀ·Aᵀ·Q = Bᵀ,  P·Bᵀ·Qᵀ = Aᵀ,
//
// each with two Dormbr calls, so that all eight (vect, side, trans) meet.
func TestSVDColMajorBidiagonal(t *testing.T) {
	if !svdSquareLower {
		t.Fatal("svdSquareLower is false, but svdColMajor reduces a square matrix to lower bidiagonal form")
	}
	rng := rand.New(rand.NewPCG(31, 7))
	cm := svdColMajor{}
	for _, sh := range append(colMajorShapes, [2]int{2, 2}, [2]int{65, 65}) {
		m, n := sh[0], sh[1]
		k := min(m, n)
		tol := colMajorTol(m, n)
		a, lda := colMajorMatrix(rng, m, n)
		f := append([]float64(nil), a...)
		d, e := make([]float64, k), make([]float64, max(1, k-1))
		tauQ, tauP := make([]float64, k), make([]float64, k)
		work := colMajorWork(func(w []float64, l int) { cm.Dgebrd(m, n, f, lda, d, e, tauQ, tauP, w, l) })
		cm.Dgebrd(m, n, f, lda, d, e, tauQ, tauP, work, len(work))

		// B and Bᵀ, padded like A and Aᵀ.
		lower := m <= n
		b, ldb := colMajorMatrix(rng, m, n)
		bt, ldbt := colMajorMatrix(rng, n, m)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				v := 0.0
				switch {
				case i == j:
					v = d[i]
				case lower && i == j+1:
					v = e[j]
				case !lower && j == i+1:
					v = e[i]
				}
				b[i*ldb+j], bt[j*ldbt+i] = v, v
			}
		}
		at, ldat := colMajorMatrix(rng, n, m)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				at[j*ldat+i] = a[i*lda+j]
			}
		}

		// apply overwrites the r×c C with op(Q or P)·C (Left) or C·op(…)
		// (Right); k is Dgebrd's: A's columns for Q, its rows for P.
		apply := func(vect lapack.ApplyOrtho, side blas.Side, trans blas.Transpose, r, c int, C []float64, ldc int) {
			kk, tau := n, tauQ
			if vect == lapack.ApplyP {
				kk, tau = m, tauP
			}
			work := colMajorWork(func(w []float64, l int) {
				cm.Dormbr(vect, side, trans, r, c, kk, f, lda, tau, C, ldc, w, l)
			})
			cm.Dormbr(vect, side, trans, r, c, kk, f, lda, tau, C, ldc, work, len(work))
		}
		type step struct {
			vect  lapack.ApplyOrtho
			side  blas.Side
			trans blas.Transpose
		}
		for _, c := range []struct {
			name        string
			from, want  []float64
			r, c, ld    int
			first, then step
		}{
			{"Qᵀ·A·P = B", a, b, m, n, lda, step{lapack.ApplyQ, blas.Left, blas.Trans}, step{lapack.ApplyP, blas.Right, blas.NoTrans}},
			{"Q·B·Pᵀ = A", b, a, m, n, lda, step{lapack.ApplyQ, blas.Left, blas.NoTrans}, step{lapack.ApplyP, blas.Right, blas.Trans}},
			{"Pᵀ·Aᵀ·Q = Bᵀ", at, bt, n, m, ldat, step{lapack.ApplyP, blas.Left, blas.Trans}, step{lapack.ApplyQ, blas.Right, blas.NoTrans}},
			{"P·Bᵀ·Qᵀ = Aᵀ", bt, at, n, m, ldat, step{lapack.ApplyP, blas.Left, blas.NoTrans}, step{lapack.ApplyQ, blas.Right, blas.Trans}},
		} {
			got := append([]float64(nil), c.from...)
			apply(c.first.vect, c.first.side, c.first.trans, c.r, c.c, got, c.ld)
			apply(c.then.vect, c.then.side, c.then.trans, c.r, c.c, got, c.ld)
			colMajorCompare(t, fmt.Sprintf("%d×%d: %s", m, n, c.name), got, c.want, c.r, c.c, c.ld, tol)
		}
	}
}

// TestSVDColMajorSingularValues checks svdColMajor's Dbdsqr without vectors
// (LAPACK's dqds) against gonum's: the same singular values, largest first,
// to a few ulps of each (dqds has high relative accuracy, Fernando & Parlett
// 1994), on random and strongly graded bidiagonals of either kind.
func TestSVDColMajorSingularValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 8))
	native, cm := gonum.Implementation{}, svdColMajor{}
	for _, n := range []int{1, 2, 3, 10, 57, 200} {
		for _, graded := range []bool{false, true} {
			d, e := make([]float64, n), make([]float64, max(1, n-1))
			for i := range d {
				d[i] = rng.NormFloat64()
				if graded {
					d[i] *= math.Pow(1e-3, float64(i))
				}
			}
			for i := 0; i < n-1; i++ {
				e[i] = rng.NormFloat64()
				if graded {
					e[i] *= math.Pow(1e-3, float64(i)+0.5)
				}
			}
			for _, uplo := range []blas.Uplo{blas.Upper, blas.Lower} {
				var sv [2][]float64
				for i, impl := range []svdLapacker{native, cm} {
					sv[i] = append([]float64(nil), d...)
					ee := append([]float64(nil), e...)
					if !impl.Dbdsqr(uplo, n, 0, 0, 0, sv[i], ee, nil, 1, nil, 1, nil, 1, make([]float64, 4*n)) {
						t.Fatalf("n=%d graded=%v uplo=%c: implementation %d did not converge", n, graded, uplo, i)
					}
				}
				for j := range sv[0] {
					if j > 0 && !(sv[1][j] <= sv[1][j-1]) {
						t.Errorf("n=%d graded=%v uplo=%c: σ not sorted at %d: %v > %v", n, graded, uplo, j, sv[1][j], sv[1][j-1])
					}
					if !(math.Abs(sv[1][j]-sv[0][j]) <= 8*float64(n)*0x1p-53*sv[0][j]) {
						t.Errorf("n=%d graded=%v uplo=%c: σ_%d = %v, gonum's %v", n, graded, uplo, j, sv[1][j], sv[0][j])
					}
				}
			}
		}
	}
}

// svdRowMajor is the openblas build's former SVD backend, kept as a
// yardstick for BenchmarkSVDColMajor: netlib's row-major LAPACKE calls (which
// copy every matrix argument to column-major and back) with gonum's Dbdsqr.
type svdRowMajor struct{ lapacknetlib.Implementation }

func (svdRowMajor) Dbdsqr(uplo blas.Uplo, n, ncvt, nru, ncc int, d, e, vt []float64, ldvt int, u []float64, ldu int, c []float64, ldc int, work []float64) bool {
	return gonum.Implementation{}.Dbdsqr(uplo, n, ncvt, nru, ncc, d, e, vt, ldvt, u, ldu, c, ldc, work)
}

// BenchmarkSVDColMajor compares "svd" on the former row-major backend
// (impl=old) with svdColMajor (impl=new), on the shapes of svdBench, old and
// new alternating size by size:
//
//	LSTSQ_SVD_BENCH_SHAPES=1000x1000,1000x2000,2000x1000,2000x2000 \
//	  go test -tags openblas ./solvers -run '^$' -bench SVDColMajor -benchtime 1x -count 6 | tee cm.txt
//	go tool benchstat -col /impl cm.txt
//
// It swaps svdLapack, which only a benchmark running alone may do.
func BenchmarkSVDColMajor(b *testing.B) {
	with := func(impl svdLapacker, squareLower bool) func(mat.Matrix, mat.Vector) (*mat.VecDense, error) {
		return func(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
			svdLapack, svdSquareLower = impl, squareLower
			defer func() { svdLapack, svdSquareLower = svdColMajor{}, true }()
			return NewSVD().Solve(X, y)
		}
	}
	svdBench(b, with(svdRowMajor{}, false), with(svdColMajor{}, true))
}
