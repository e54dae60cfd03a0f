package fastlapack

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"

	"github.com/minnorm/lstsq/internal/fastblas"
	"gonum.org/v1/gonum/blas/blas64"
)

func init() { fastblas.Install() }

// spd returns a random n×n symmetric positive definite matrix with
// stride n + pad: Bᵀ·B + n·I for a Gaussian B, stored in full.
func spd(rng *rand.Rand, n, pad int) ([]float64, int) {
	lda := n + pad
	b := make([]float64, n*n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	a := make([]float64, (n-1)*lda+n)
	blas64.Implementation().Dgemm(blas.Trans, blas.NoTrans, n, n, n, 1, b, n, b, n, 0, a, lda)
	for i := 0; i < n; i++ {
		a[i*lda+i] += float64(n)
	}
	return a, lda
}

// TestDpotrf checks Uᵀ·U = A entrywise within 4·(n+1)·u·(|Uᵀ|·|U|)_ij
// (Higham, Thm. 10.3, with a factor 4 for the level-3 BLAS's blocking and
// fused multiply-adds), computed by plain loops, for orders on both sides
// of potrfBase and odd strides; the strict lower triangle must be left
// alone.
func TestDpotrf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	for _, n := range []int{1, 5, 128, 129, 200, 263, 520} {
		a0, lda := spd(rng, n, 3)
		a := append([]float64(nil), a0...)
		if !(Implementation{}).Dpotrf(blas.Upper, n, a, lda) {
			t.Fatalf("n=%d: reported not positive definite", n)
		}
		worst := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if j < i {
					if a[i*lda+j] != a0[i*lda+j] {
						t.Fatalf("n=%d: lower triangle modified at %d,%d", n, i, j)
					}
					continue
				}
				s, abs := 0.0, 0.0
				for k := 0; k <= i; k++ {
					s += a[k*lda+i] * a[k*lda+j]
					abs += math.Abs(a[k*lda+i] * a[k*lda+j])
				}
				bound := 4 * float64(n+1) * 0x1p-53 * abs
				if e := math.Abs(s - a0[i*lda+j]); e > bound {
					t.Fatalf("n=%d: (UᵀU − A)[%d,%d] = %.3g > %.3g", n, i, j, e, bound)
				}
				worst = math.Max(worst, math.Abs(s-a0[i*lda+j])/abs)
			}
		}
		t.Logf("n=%d: max |UᵀU − A|/(|Uᵀ||U|) = %.2g u", n, worst/0x1p-53)
	}
}

// TestDpotrfNotPositive checks the refusal of indefinite and NaN matrices,
// with the offending pivot in the first and in the second half of the
// recursion, and that Lower goes to gonum (same answer bit for bit).
func TestDpotrfNotPositive(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 5))
	n := 300
	for _, bad := range []int{0, 100, 200, 299} {
		for _, val := range []float64{-1e6, math.NaN()} {
			a, lda := spd(rng, n, 0)
			a[bad*lda+bad] = val
			if (Implementation{}).Dpotrf(blas.Upper, n, a, lda) {
				t.Errorf("A[%d,%d] = %v: reported positive definite", bad, bad, val)
			}
		}
	}
	a, lda := spd(rng, n, 1)
	b := append([]float64(nil), a...)
	okA := Implementation{}.Dpotrf(blas.Lower, n, a, lda)
	okB := lapackgonum.Implementation{}.Dpotrf(blas.Lower, n, b, lda)
	if !okA || !okB {
		t.Fatal("Lower: not positive definite")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Lower differs from gonum's at %d", i)
		}
	}
}

func BenchmarkDpotrf(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, n := range []int{500, 1000, 2000} {
		a0, lda := spd(rng, n, 0)
		a := make([]float64, len(a0))
		for _, impl := range []struct {
			name string
			f    func(blas.Uplo, int, []float64, int) bool
		}{{"recursive", Implementation{}.Dpotrf}, {"gonum", lapackgonum.Implementation{}.Dpotrf}} {
			b.Run(impl.name+"/n="+itoa(n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer() // the copy is not the factorization's
					copy(a, a0)
					b.StartTimer()
					impl.f(blas.Upper, n, a, lda)
				}
			})
		}
	}
}

func itoa(i int) string {
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
