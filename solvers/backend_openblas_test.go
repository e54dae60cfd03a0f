//go:build openblas

package solvers

// Tests of the OpenBLAS backend, run with: go test -tags openblas ./solvers/
// The rest of the package's tests (and the props suite) also run on the
// backend in that build; these check that it is really installed and that
// the direct solvers keep the pure-Go build's accuracy bounds on sizes large
// enough to reach OpenBLAS's blocked and threaded code paths. Their helpers
// are self-contained (prefix openblas) because this file is not compiled in
// the default build, where a renamed shared helper would go unnoticed.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
	lapacknetlib "gonum.org/v1/netlib/lapack/netlib"
)

const openblasU = 0x1p-53 // unit roundoff u

// TestOpenBLASActive checks that init installed both halves of the backend.
// blas64 says which BLAS it uses; lapack64 does not, so the LAPACK half is
// recognised by a workspace query whose answer differs between gonum's
// LAPACK and the C LAPACK (their block sizes for Dormqr differ).
func TestOpenBLASActive(t *testing.T) {
	t.Logf("OpenBLAS: %s", openBLASInfo())
	if got := Backend(); got != "openblas" {
		t.Errorf("Backend() = %q, want \"openblas\"", got)
	}
	if impl, ok := blas64.Implementation().(openBLAS); !ok {
		t.Errorf("blas64.Implementation() is %T, want %T (OpenBLAS with fastblas's Dgemv)", blas64.Implementation(), impl)
	}

	const m, n = 300, 200
	a := make([]float64, m*n)
	c := make([]float64, m)
	query := func(ormqr func(work []float64)) float64 {
		work := []float64{0}
		ormqr(work)
		return work[0]
	}
	installed := query(func(work []float64) {
		lapack64.Ormqr(blas.Left, blas.Trans,
			blas64.General{Rows: m, Cols: n, Stride: n, Data: a}, make([]float64, n),
			blas64.General{Rows: m, Cols: 1, Stride: 1, Data: c}, work, -1)
	})
	native := query(func(work []float64) {
		gonum.Implementation{}.Dormqr(blas.Left, blas.Trans, m, 1, n, a, n, make([]float64, n), c, 1, work, -1)
	})
	netlib := query(func(work []float64) {
		lapacknetlib.Implementation{}.Dormqr(blas.Left, blas.Trans, m, 1, n, a, n, make([]float64, n), c, 1, work, -1)
	})
	if native == netlib {
		t.Fatalf("Dormqr workspace query gives %v in both LAPACKs: this check cannot tell them apart; choose another shape", native)
	}
	if installed != netlib {
		t.Errorf("lapack64's Dormqr workspace query = %v, want the C LAPACK's %v (gonum's is %v): lapack64.Use did not take effect", installed, netlib, native)
	}
}

// openblasShapes cross LAPACK's block size (32 to 64) and the sizes at which
// OpenBLAS starts threading, around the threshold p ≈ n.
var openblasShapes = [][2]int{{7, 5}, {5, 7}, {120, 80}, {80, 120}, {129, 129}, {200, 201}, {201, 200}, {300, 300}}

// openblasWedinTol is the forward-error bound of a backward-stable
// least-squares solver on a planted problem (Wedin's perturbation bound, as
// in theory.md), the bound the pure-Go build's tests use:
//
//	‖w − w*‖/‖w*‖ ≤ c·u·(κ + κ²‖r‖/(σ₁‖w*‖)),  c = 30·max(n, p),
//
// with LAPACK's least-squares test threshold 30 (TESTING/LIN) in units of
// max(n, p)·u. It also covers the planted W being exact only to about κ·u
// for the stored X (problem.NewPlanted).
func openblasWedinTol(pl *problem.Planted) float64 {
	n, p := pl.X.Dims()
	kappa := pl.Cond()
	rho := mat.Norm(pl.R, 2) / (pl.Sigma[0] * mat.Norm(pl.W, 2))
	return 30 * float64(max(n, p)) * openblasU * (kappa + kappa*kappa*rho)
}

// openblasRelErr returns ‖got − want‖₂/‖want‖₂.
func openblasRelErr(got, want mat.Vector) float64 {
	var d mat.VecDense
	d.SubVec(got, want)
	return mat.Norm(&d, 2) / mat.Norm(want, 2)
}

// TestOpenBLASPlanted checks "svd", "cod" and "qr" on planted problems
// against openblasWedinTol, and the rank "svd" and "cod" find; "qr" only on
// full-rank problems, which are the ones it answers.
func TestOpenBLASPlanted(t *testing.T) {
	seed := uint64(5000)
	for _, sh := range openblasShapes {
		n, p := sh[0], sh[1]
		k := min(n, p)
		for _, kappa := range []float64{1e2, 1e8} {
			for _, rank := range []int{k, max(1, k-3)} {
				for _, resid := range []float64{0, 0.5} {
					seed++
					pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(rank, kappa), resid)
					tol := openblasWedinTol(pl)
					list := []Reporter{NewSVD(), NewCOD()}
					if rank == k {
						list = append(list, NewQR())
					}
					for _, s := range list {
						w, rep, err := s.SolveReport(pl.X, pl.Y)
						if err != nil {
							t.Errorf("seed %d: %s on %#v: unexpected error %v", seed, s.Name(), pl, err)
							continue
						}
						if e := openblasRelErr(w, pl.W); !(e <= tol) {
							t.Errorf("seed %d: %s on %#v: relative error %.3g > tolerance %.3g", seed, s.Name(), pl, e, tol)
						}
						if s.Name() != "qr" && rep.Rank != rank {
							t.Errorf("seed %d: %s on %#v: rank %d, want %d", seed, s.Name(), pl, rep.Rank, rank)
						}
					}
				}
			}
		}
	}
}

// openblasRidgeWant returns the exact ridge solution of a planted problem
// from its factors, independent of any solver: with X = U·diag(σ)·Vᵀ, the
// planted W = V·c and the residual R orthogonal to the range of U,
//
//	w_λ = V·diag(σ_i/(σ_i² + λ))·Uᵀy = V·diag(σ_i²/(σ_i² + λ))·c,  c = VᵀW.
func openblasRidgeWant(pl *problem.Planted, lambda float64) *mat.VecDense {
	var c mat.VecDense
	c.MulVec(pl.V.T(), pl.W)
	for i, s := range pl.Sigma {
		c.SetVec(i, c.AtVec(i)*s*s/(s*s+lambda))
	}
	var w mat.VecDense
	w.MulVec(pl.V, &c)
	return &w
}

// openblasRidgeTol bounds the forward error of a ridge solver that factors
// a Gram matrix (XᵀX + λI or XXᵀ + λI, of order m ≤ n + p): the Cholesky
// solve is backward stable for the Gram matrix, whose conditioning is at
// most κ_λ = (σ₁² + λ)/λ whichever one is formed (its smallest eigenvalue is
// at least λ), and forming Xᵀy or applying Xᵀ adds the factor
// 1 + σ₁‖y‖/((σ₁² + λ)‖w‖):
//
//	‖w − w_λ‖/‖w_λ‖ ≤ 30·(n + p)·u·κ_λ·(1 + σ₁‖y‖/((σ₁² + λ)‖w_λ‖)).
//
// It covers "ridge-svd" too, whose backward-stable SVD does better. The
// constant 30 is the one of openblasWedinTol.
func openblasRidgeTol(pl *problem.Planted, lambda float64, want *mat.VecDense) float64 {
	n, p := pl.X.Dims()
	s1 := pl.Sigma[0]
	kappa := (s1*s1 + lambda) / lambda
	eta := s1 * mat.Norm(pl.Y, 2) / ((s1*s1 + lambda) * mat.Norm(want, 2))
	return 30 * float64(n+p) * openblasU * kappa * (1 + eta)
}

// TestOpenBLASRidge checks "ridge-chol", "ridge-dual" and "ridge-svd"
// against the planted ridge solution. κ = 10³ and λ = 10⁻⁴ keep κ_λ ≈ 10⁴,
// well inside the range where the Gram solvers must answer.
func TestOpenBLASRidge(t *testing.T) {
	const kappa, lambda = 1e3, 1e-4
	seed := uint64(6000)
	for _, sh := range openblasShapes {
		n, p := sh[0], sh[1]
		for _, resid := range []float64{0, 0.5} {
			seed++
			pl := problem.NewPlanted(problem.New(seed), n, p, problem.GeometricSpectrum(min(n, p), kappa), resid)
			want := openblasRidgeWant(pl, lambda)
			tol := openblasRidgeTol(pl, lambda, want)
			for _, s := range []Solver{NewRidgeChol(lambda), NewRidgeDual(lambda), NewRidgeSVD(lambda)} {
				w, err := s.Solve(pl.X, pl.Y)
				if err != nil {
					t.Errorf("seed %d: %s on %#v: unexpected error %v", seed, s.Name(), pl, err)
					continue
				}
				if e := openblasRelErr(w, want); !(e <= tol) {
					t.Errorf("seed %d: %s on %#v, λ = %g: relative error %.3g > tolerance %.3g", seed, s.Name(), pl, lambda, e, tol)
				}
			}
		}
	}
}

// TestOpenBLASConcurrent calls one solver from several goroutines at once on
// a problem large enough for OpenBLAS to use its own threads too, and checks
// every answer against the bound: the package promises concurrency safety,
// which now rests on OpenBLAS's thread safety.
func TestOpenBLASConcurrent(t *testing.T) {
	const seed = 7000
	pl := problem.NewPlanted(problem.New(seed), 256, 256, problem.GeometricSpectrum(256, 1e4), 0)
	tol := openblasWedinTol(pl)
	for _, s := range []Solver{NewSVD(), NewCOD(), NewQR()} {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for g := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w, err := s.Solve(pl.X, pl.Y)
				if err == nil {
					if e := openblasRelErr(w, pl.W); !(e <= tol) {
						err = fmt.Errorf("relative error %.3g > tolerance %.3g", e, tol)
					}
				}
				errs[g] = err
			}()
		}
		wg.Wait()
		for g, err := range errs {
			if err != nil {
				t.Errorf("seed %d: %s, goroutine %d of %d on %#v: %v", seed, s.Name(), g, len(errs), pl, err)
			}
		}
	}
}

// TestObLapackCholesky checks the column-major Dpotrf and Dpotrs of the
// openblas build against netlib's row-major calls (OpenBLAS's LAPACK behind
// both, the other triangle): the same factor and solution to within
// 8·n·u of their sizes, the strict other triangle untouched, refusal of an
// indefinite matrix and the same panics on bad arguments.
func TestObLapackCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, n := range []int{1, 7, 300} {
		for _, ul := range []blas.Uplo{blas.Upper, blas.Lower} {
			lda := n + 2
			b := make([]float64, n*n)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			a0 := make([]float64, (n-1)*lda+n)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					s := 0.0
					for k := 0; k < n; k++ {
						s += b[k*n+i] * b[k*n+j]
					}
					a0[i*lda+j] = s + float64(n)*boolTo(i == j)
				}
			}
			got, want := append([]float64(nil), a0...), append([]float64(nil), a0...)
			if !(obLapack{}).Dpotrf(ul, n, got, lda) || !(lapacknetlib.Implementation{}).Dpotrf(ul, n, want, lda) {
				t.Fatalf("n=%d %c: not positive definite", n, ul)
			}
			scale := 0.0
			for _, v := range want {
				scale = math.Max(scale, math.Abs(v))
			}
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					k := i*lda + j
					inside := ul == blas.Upper && j >= i || ul == blas.Lower && j <= i
					if !inside && got[k] != a0[k] {
						t.Fatalf("n=%d %c: entry %d,%d outside the triangle changed", n, ul, i, j)
					}
					if inside && math.Abs(got[k]-want[k]) > 8*float64(n)*openblasU*scale {
						t.Fatalf("n=%d %c: factor differs at %d,%d: %v vs %v", n, ul, i, j, got[k], want[k])
					}
				}
			}
			x, xw := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64()
				xw[i] = x[i]
			}
			obLapack{}.Dpotrs(ul, n, 1, got, lda, x, 1)
			lapacknetlib.Implementation{}.Dpotrs(ul, n, 1, want, lda, xw, 1)
			xs := 0.0
			for _, v := range xw {
				xs = math.Max(xs, math.Abs(v))
			}
			for i := range x {
				if math.Abs(x[i]-xw[i]) > 8*float64(n)*openblasU*xs*float64(n) {
					t.Fatalf("n=%d %c: Dpotrs differs at %d: %v vs %v", n, ul, i, x[i], xw[i])
				}
			}
		}
	}
	indef := []float64{1, 2, 2, 1}
	if (obLapack{}).Dpotrf(blas.Upper, 2, indef, 2) {
		t.Error("an indefinite matrix was factored")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("lda < n did not panic")
			}
		}()
		obLapack{}.Dpotrf(blas.Upper, 3, make([]float64, 9), 2)
	}()
}

func boolTo(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
