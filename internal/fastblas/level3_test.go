package fastblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// inTriangle reports whether entry (i, j) lies in triangle ul.
func inTriangle(ul blas.Uplo, i, j int) bool {
	if ul == blas.Upper {
		return j >= i
	}
	return j <= i
}

// TestDsyrk checks Dsyrk against the naive product on triangle ul, and
// that the other triangle and the padding of C are left bit for bit.
func TestDsyrk(t *testing.T) {
	ns := []int{0, 1, 2, 3, 7, 17, 63, 64, 65, 129, 203}
	ks := []int{0, 1, 5, 64, 300}
	scalars := [][2]float64{{1, 0}, {-1, 1}, {0.5, -2}, {0, 0}, {0, 3}}
	// The kernels are tested by the Dgemm tests; this runs the default one.
	func() {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for in, n := range ns {
					for ik, k := range ks {
						s := scalars[(in+ik)%len(scalars)]
						alpha, beta := s[0], s[1]
						pad := (in + ik) % 3
						ar, ac := n, k
						if tA != blas.NoTrans {
							ar, ac = k, n
						}
						a := newMatrix(rng, ar, ac, pad)
						c := newMatrix(rng, n, n, pad+1)
						for i := range n {
							for j := range n {
								switch {
								case !inTriangle(ul, i, j):
									c.data[i*c.stride+j] = padNaN
								case beta == 0:
									c.data[i*c.stride+j] = math.NaN()
								}
							}
						}
						a0 := a.clone()
						got := c.clone()
						Implementation{}.Dsyrk(ul, tA, n, k, alpha, a.data, a.stride, beta, got.data, got.stride)
						if !sameBits(a.data, a0.data) {
							t.Fatalf("ul=%c tA=%c n=%d k=%d: A modified", ul, tA, n, k)
						}
						// The oracle is the naive product op(A)·op(A)ᵀ.
						tB := blas.Trans
						if tA != blas.NoTrans {
							tB = blas.NoTrans
						}
						ref, bound := naiveGemm(tA, tB, n, n, k, alpha, a, a, beta, c)
						tol := 2 * gamma(k+3)
						for i := range n {
							for j := range n {
								idx := i*got.stride + j
								if !inTriangle(ul, i, j) {
									if math.Float64bits(got.data[idx]) != math.Float64bits(c.data[idx]) {
										t.Fatalf("ul=%c tA=%c n=%d k=%d: C[%d,%d] outside the triangle changed", ul, tA, n, k, i, j)
									}
									continue
								}
								if d := math.Abs(got.data[idx] - ref[i*n+j]); !(d <= tol*bound[i*n+j]) {
									t.Fatalf("ul=%c tA=%c n=%d k=%d alpha=%g beta=%g: C[%d,%d] = %v, want %v (bound %.3g)",
										ul, tA, n, k, alpha, beta, i, j, got.data[idx], ref[i*n+j], tol*bound[i*n+j])
								}
							}
						}
						for i := range got.data {
							if i%got.stride >= n && math.Float64bits(got.data[i]) != math.Float64bits(c.data[i]) {
								t.Fatalf("ul=%c tA=%c n=%d k=%d: padding of C changed", ul, tA, n, k)
							}
						}
					}
				}
			}
		}
	}()
}

// triangularMatrix returns a k×k triangle ul whose other triangle (and, for a unit
// diagonal, the diagonal) holds NaN, which Dtrsm must not read. The diagonal
// is ±[1, 2] and the off-diagonal entries are uniform in ±1/√k, which keeps
// the matrix well conditioned so that residuals are meaningful.
func triangularMatrix(rng *rand.Rand, ul blas.Uplo, d blas.Diag, k, pad int) matrix {
	a := newMatrix(rng, k, k, pad)
	for i := range k {
		for j := range k {
			v := &a.data[i*a.stride+j]
			switch {
			case i == j && d == blas.Unit:
				*v = math.NaN()
			case i == j:
				*v = math.Copysign(1+rng.Float64(), rng.Float64()-0.5)
			case !inTriangle(ul, i, j):
				*v = math.NaN()
			default:
				*v /= math.Sqrt(float64(k))
			}
		}
	}
	return a
}

// TestDtrsm checks the solution X̂ of every Dtrsm variant by its residual:
// backward stable triangular solves, blocked or not, satisfy
// (T + ΔT)·X̂ = alpha·B with |ΔT| ≤ c·k·u·|T| (Higham, "Accuracy and
// Stability of Numerical Algorithms", 2nd ed., Thm 8.5 and §13.1), so
//
//	|T·X̂ − alpha·B| ≤ c·k·u·|T|·|X̂|,
//
// and evaluating the residual in floating point adds γ_{k+1}·(|T|·|X̂| + |alpha·B|).
// We take c·k·u = 4·γ_{k+2} for the solve.
func TestDtrsm(t *testing.T) {
	dims := [][2]int{{0, 3}, {3, 0}, {1, 1}, {2, 7}, {7, 2}, {17, 9}, {64, 65}, {65, 64}, {130, 33}, {33, 130}, {200, 150}}
	alphas := []float64{1, -0.75, 0}
	func() {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, side := range []blas.Side{blas.Left, blas.Right} {
			for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
				for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
					for _, d := range []blas.Diag{blas.NonUnit, blas.Unit} {
						for id, dim := range dims {
							m, n := dim[0], dim[1]
							alpha := alphas[id%len(alphas)]
							pad := id % 3
							k := n
							if side == blas.Left {
								k = m
							}
							a := triangularMatrix(rng, ul, d, k, pad)
							b := newMatrix(rng, m, n, pad+1)
							if alpha == 0 {
								for i := range m {
									for j := range n {
										b.data[i*b.stride+j] = math.NaN()
									}
								}
							}
							a0 := a.clone()
							x := b.clone()
							Implementation{}.Dtrsm(side, ul, tA, d, m, n, alpha, a.data, a.stride, x.data, x.stride)
							if !sameBits(a.data, a0.data) {
								t.Fatalf("A modified")
							}
							checkTrsmResidual(t, side, ul, tA, d, m, n, alpha, a, b, x)
						}
					}
				}
			}
		}
	}()
}

// TestDtrmm checks every Dtrmm variant against the naive product
// op(A)·B or B·op(A), with the inner-product bound used for Dgemm.
func TestDtrmm(t *testing.T) {
	dims := [][2]int{{0, 3}, {3, 0}, {1, 1}, {2, 7}, {7, 2}, {17, 9}, {64, 65}, {65, 64}, {130, 33}, {33, 130}, {200, 150}}
	alphas := []float64{1, -0.75, 0}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, side := range []blas.Side{blas.Left, blas.Right} {
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for _, d := range []blas.Diag{blas.NonUnit, blas.Unit} {
					for id, dim := range dims {
						m, n := dim[0], dim[1]
						alpha := alphas[id%len(alphas)]
						pad := id % 3
						k := n
						if side == blas.Left {
							k = m
						}
						a := triangularMatrix(rng, ul, d, k, pad)
						b := newMatrix(rng, m, n, pad+1)
						if alpha == 0 {
							for i := range m {
								for j := range n {
									b.data[i*b.stride+j] = math.NaN()
								}
							}
						}
						a0 := a.clone()
						got := b.clone()
						Implementation{}.Dtrmm(side, ul, tA, d, m, n, alpha, a.data, a.stride, got.data, got.stride)
						if !sameBits(a.data, a0.data) {
							t.Fatalf("A modified")
						}
						// The dense op(A), zero outside the triangle, as a matrix for naiveGemm.
						full := matrix{k, k, max(1, k), make([]float64, k*k)}
						for i := range k {
							for j := range k {
								full.data[i*k+j] = opTriangle(ul, tA, d, a, i, j)
							}
						}
						var ref, bound []float64
						switch {
						case alpha == 0:
							// B is not read: the result is exactly zero.
							ref, bound = make([]float64, m*n), make([]float64, m*n)
						case side == blas.Left:
							ref, bound = naiveGemm(blas.NoTrans, blas.NoTrans, m, n, k, alpha, full, b, 0, b)
						default:
							ref, bound = naiveGemm(blas.NoTrans, blas.NoTrans, m, n, k, alpha, b, full, 0, b)
						}
						what := fmt.Sprintf("side=%c ul=%c tA=%c d=%c m=%d n=%d alpha=%g", side, ul, tA, d, m, n, alpha)
						checkAgainst(t, what, got, ref, bound, k)
						for i := range got.data {
							if i%got.stride >= n && math.Float64bits(got.data[i]) != math.Float64bits(b.data[i]) {
								t.Fatalf("%s: padding of B changed", what)
							}
						}
					}
				}
			}
		}
	}
}

// opTriangle returns op(A)[i, j] of the triangle ul of A, with zeros outside
// it and ones on a unit diagonal.
func opTriangle(ul blas.Uplo, tA blas.Transpose, d blas.Diag, a matrix, i, j int) float64 {
	if tA != blas.NoTrans {
		i, j = j, i
	}
	switch {
	case i == j && d == blas.Unit:
		return 1
	case !inTriangle(ul, i, j):
		return 0
	}
	return a.at(i, j)
}

func checkTrsmResidual(t *testing.T, side blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a, b, x matrix) {
	t.Helper()
	opA := func(i, j int) float64 { return opTriangle(ul, tA, d, a, i, j) }
	k := n
	if side == blas.Left {
		k = m
	}
	tol := 4*gamma(k+2) + gamma(k+1)
	for i := range m {
		for j := range n {
			var r, mag float64
			for p := range k {
				var prod float64
				if side == blas.Left {
					prod = opA(i, p) * x.at(p, j)
				} else {
					prod = x.at(i, p) * opA(p, j)
				}
				r += prod
				mag += math.Abs(prod)
			}
			var rhs float64
			if alpha != 0 {
				rhs = alpha * b.at(i, j)
			}
			r -= rhs
			mag += math.Abs(rhs)
			if !(math.Abs(r) <= tol*mag) {
				t.Fatalf("side=%c ul=%c tA=%c d=%c m=%d n=%d alpha=%g: residual[%d,%d] = %.3g > %.3g",
					side, ul, tA, d, m, n, alpha, i, j, r, tol*mag)
			}
		}
	}
	for i := range x.data {
		if i%x.stride >= n && math.Float64bits(x.data[i]) != math.Float64bits(b.data[i]) {
			t.Fatalf("side=%c ul=%c tA=%c d=%c m=%d n=%d: padding of B changed", side, ul, tA, d, m, n)
		}
	}
}

// TestLevel3Panics checks that Dsyrk, Dtrsm and Dtrmm reject invalid arguments
// with gonum's messages.
func TestLevel3Panics(t *testing.T) {
	buf := make([]float64, 100)
	recovered := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	type syrkCall struct {
		ul       blas.Uplo
		tA       blas.Transpose
		n, k     int
		a, c     []float64
		lda, ldc int
	}
	for i, tc := range []syrkCall{
		{'X', blas.NoTrans, 2, 2, buf, buf, 2, 2},
		{blas.Upper, 'X', 2, 2, buf, buf, 2, 2},
		{blas.Upper, blas.NoTrans, -1, 2, buf, buf, 2, 2},
		{blas.Upper, blas.NoTrans, 2, -1, buf, buf, 2, 2},
		{blas.Upper, blas.NoTrans, 2, 3, buf, buf, 2, 2},
		{blas.Upper, blas.Trans, 3, 2, buf, buf, 2, 3},
		{blas.Upper, blas.NoTrans, 3, 2, buf, buf, 2, 2},
		{blas.Upper, blas.NoTrans, 3, 2, buf[:5], buf, 2, 3},
		{blas.Lower, blas.Trans, 3, 2, buf, buf[:8], 3, 3},
		{blas.Lower, blas.Trans, 0, 2, nil, nil, 1, 1},
		{blas.Lower, blas.NoTrans, 2, 0, buf[:1], buf[:4], 1, 2},
	} {
		run := func(impl blas.Float64) any {
			c := append([]float64(nil), tc.c...)
			return recovered(func() { impl.Dsyrk(tc.ul, tc.tA, tc.n, tc.k, 1, tc.a, tc.lda, 0, c, tc.ldc) })
		}
		if got, want := run(Implementation{}), run(gonum.Implementation{}); got != want {
			t.Errorf("Dsyrk case %d: panic %v, gonum panics %v", i, got, want)
		}
	}
	type trsmCall struct {
		s        blas.Side
		ul       blas.Uplo
		tA       blas.Transpose
		d        blas.Diag
		m, n     int
		a, b     []float64
		lda, ldb int
	}
	for i, tc := range []trsmCall{
		{'X', blas.Upper, blas.NoTrans, blas.Unit, 2, 2, buf, buf, 2, 2},
		{blas.Left, 'X', blas.NoTrans, blas.Unit, 2, 2, buf, buf, 2, 2},
		{blas.Left, blas.Upper, 'X', blas.Unit, 2, 2, buf, buf, 2, 2},
		{blas.Left, blas.Upper, blas.NoTrans, 'X', 2, 2, buf, buf, 2, 2},
		{blas.Left, blas.Upper, blas.NoTrans, blas.Unit, -1, 2, buf, buf, 2, 2},
		{blas.Left, blas.Upper, blas.NoTrans, blas.Unit, 2, -1, buf, buf, 2, 2},
		{blas.Left, blas.Upper, blas.NoTrans, blas.Unit, 3, 2, buf, buf, 2, 2},
		{blas.Right, blas.Upper, blas.NoTrans, blas.Unit, 2, 3, buf, buf, 2, 3},
		{blas.Right, blas.Upper, blas.NoTrans, blas.Unit, 2, 3, buf, buf, 3, 2},
		{blas.Left, blas.Lower, blas.Trans, blas.NonUnit, 3, 2, buf[:8], buf, 3, 2},
		{blas.Left, blas.Lower, blas.Trans, blas.NonUnit, 3, 2, buf, buf[:5], 3, 2},
		{blas.Left, blas.Lower, blas.Trans, blas.NonUnit, 0, 2, nil, nil, 1, 2},
	} {
		run := func(impl blas.Float64, solve bool) any {
			b := append([]float64(nil), tc.b...)
			return recovered(func() {
				if solve {
					impl.Dtrsm(tc.s, tc.ul, tc.tA, tc.d, tc.m, tc.n, 1, tc.a, tc.lda, b, tc.ldb)
					return
				}
				impl.Dtrmm(tc.s, tc.ul, tc.tA, tc.d, tc.m, tc.n, 1, tc.a, tc.lda, b, tc.ldb)
			})
		}
		if got, want := run(Implementation{}, true), run(gonum.Implementation{}, true); got != want {
			t.Errorf("Dtrsm case %d: panic %v, gonum panics %v", i, got, want)
		}
		if got, want := run(Implementation{}, false), run(gonum.Implementation{}, false); got != want {
			t.Errorf("Dtrmm case %d: panic %v, gonum panics %v", i, got, want)
		}
	}
}
