package solvers

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	blasgonum "gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// COD is the "cod" solver: the minimum-norm least-squares solution from a
// complete orthogonal decomposition of the n×p X, without an SVD, as LAPACK's
// xGELSY and MATLAB's lsqminnorm compute it. For an m×q matrix M:
//
//  1. column-pivoted Householder QR (Businger–Golub), M·P = Q·R, with R
//     upper trapezoidal and |R₁₁| ≥ |R₂₂| ≥ … ;
//  2. the numerical rank r from R (below);
//  3. an LQ factorization of the leading r×q block, [R₁₁ R₁₂] = [L 0]·Z, with
//     L r×r lower triangular and Z q×q orthogonal.
//
// Then, with Q₁ the first r columns of Q,
//
//	M ≈ Q₁·[L 0]·Z·Pᵀ,  M⁺ = P·Zᵀ·[L⁻¹; 0]·Q₁ᵀ,  M⁺b = P·Zᵀ·[L⁻¹·(Q₁ᵀb); 0].
//
// When r = q (full column rank) the LQ step is skipped and M⁺b = P·R₁₁⁻¹·Q₁ᵀb.
//
// # Reduction to a square matrix, and the full-rank certificate
//
// The pivoted QR is level-2 heavy (half its flops are matrix–vector products
// over the not yet updated trailing columns), unlike the blocked unpivoted QR
// and LQ. So X is first reduced to a square triangle by an unpivoted
// factorization, as LAPACK's xGELSS and xGELSD do before the SVD:
//
//	n ≥ p:  X = Q₀·R₀ (Q₀ n×p orthonormal columns, R₀ p×p),  X⁺ = R₀⁺·Q₀ᵀ,
//	n < p:  X = L₀·Q₀ (Q₀ n×p orthonormal rows, L₀ n×n),     X⁺ = Q₀ᵀ·L₀⁺.
//
// Both satisfy the Penrose conditions because Q₀ᵀQ₀ = I (tall) or Q₀Q₀ᵀ = I
// (wide): for the wide case with G = Q₀ᵀL₀⁺, X·G·X = L₀L₀⁺L₀Q₀ = X,
// G·X·G = Q₀ᵀL₀⁺L₀L₀⁺ = G, X·G = L₀L₀⁺ and G·X = Q₀ᵀ(L₀⁺L₀)Q₀ are symmetric;
// the tall case is its transpose. The same identities hold for the rank-r
// truncation of R₀ or L₀, which is what steps 1–3 compute with M = R₀ or L₀.
// (Both are computed as an LQ factorization along contiguous rows: of the
// transposed copy Xᵀ = R₀ᵀ·Q₀ᵀ for n ≥ p, of X itself for n < p.)
//
// When the triangle T = R₀ or L₀ (k×k, k = min(n, p)) is far from the
// cut-off below, steps 1–3 cannot change the answer: the rank is k and
// X⁺B = R₀⁻¹·Q₀ᵀB or Q₀ᵀ·L₀⁻¹B, which is what COD then returns without
// pivoting. The certificate is
//
//	σ̂_min(T) > μ·rcond·σ̂_max(T),  μ = 2²⁰,
//
// with σ̂ from three steps of the power iterations of step 2 (codSigmaEst).
// If σ_min(T) > rcond·σ_max(T) (T has the singular values of X), step 1
// keeps every column, since every |R_ii| of a triangle lies in
// [σ_min, σ_max], and step 2 keeps them all, since its estimates only err
// towards a better-conditioned triangle and the leading triangles of the
// pivoted R are no worse conditioned than R. The certificate can only be
// wrong if σ̂_min/σ̂_max overestimates σ_min/σ_max by the factor μ: after
// s steps, by log-convexity of ‖(RᵀR)^j·x₀‖ in j, σ̂_max ≥ σ_max·|c₁|^(1/2s)
// and σ̂_min ≤ σ_min·|c_k|^(−1/2s) for the components c₁, c_k of the start
// vector along the extreme right singular vectors, so with s = 3 it needs
// |c₁·c_k| < μ⁻⁶ = 2⁻¹²⁰. It costs 12 triangular products and solves; when
// it fails, the pivoted QR of T (k×k) follows, which is all the reduction
// costs on top of the pivoted QR of X itself. The margin μ sends
// full-rank X with κ above about 1/(μ·rcond) (about 4·10⁶ at n = p = 1000) to
// the pivoted path, which decides their rank as before.
//
// # Rank cut-off
//
// The rank is decided in two steps, with rcond = ε·max(n, p), ε = 2⁻⁵², the
// relative cut-off of the "svd" solver (numpy's convention, with X's own n
// and p also when M is the reduced triangle; WithRCond(r) replaces it by r):
//
//  1. r₀ = the number of leading diagonal entries of R with |R_ii| > rcond·|R₁₁|;
//  2. while r > 1 and σ̂_min(R_{1:r,1:r}) ≤ rcond·σ̂_max(R_{1:r,1:r}): r ← r − 1,
//
// with σ̂_min and σ̂_max from a few steps of inverse and direct power iteration
// on the r×r triangle (two triangular solves or products a step, O(r²)).
// Step 1 alone is what xGELSY's diagonal test does; it is not enough: |R_ii|
// can exceed σ_i by a sizeable factor, so that on an exactly singular 2×2
// matrix the rounding of the QR itself left |R₂₂|/|R₁₁| ≈ 2.006·ε, just above
// the cut-off 2ε, and "cod" returned a solution of norm 10¹⁵ where "svd"
// (σ₂ = 0) returned X⁺y; the row-permuted copy of the same matrix gave
// |R₂₂|/|R₁₁| ≈ 0. Step 2 applies the cut-off to singular values of the
// leading triangle, which interlace those of M (σ_i(R₁₁) ≤ σ_i(M)), so "cod"
// and "svd" agree on the rank unless a singular value lies within a small
// factor of the cut-off. Inverse iteration converges at the rate
// σ_r/σ_{r−1}, which is tiny exactly when a numerically zero σ_r sits under a
// gap; it overestimates σ_min otherwise, so a borderline σ_r may be kept.
// The step also catches the classical failure of pivoted-QR rank detection,
// Kahan's matrix (Kahan 1966; Golub & Van Loan, Matrix Computations), where
// the last |R_ii| stays far above σ_min (on the 90×90 Kahan matrix of
// TestCODKahanLimit σ_min/σ₁ ≈ 9·10⁻¹⁸ but |R_nn|/|R₁₁| ≈ 4·10⁻⁴): a rank
// deficiency that hides behind a large |R_ii| in the trailing columns is
// still missed only if it is invisible in every leading triangle, which a
// strong rank-revealing QR (Gu & Eisenstat 1996) or the SVD would exclude.
//
// The reduction keeps this rule's meaning. M has the singular values of X
// (Q₀ has orthonormal columns or rows), so the cut-off compares the same
// numbers, and step 2 still bounds singular values of X from below. For tall
// X the pivoted QR of R₀ is, in exact arithmetic, the pivoted QR of X itself:
// ‖R₀e_j‖ = ‖Xe_j‖ and every later partial column norm agrees as well, so the
// pivots, R and r are the same. For wide X the pivoting chooses among the n
// columns of L₀, not among the p columns of X: R is a different triangle
// with the same singular values, its diagonal reveals the rank of X as the
// pivoted QR of any matrix with those singular values does, and a truncated
// solution (r < n) drops a different, equally small, part ‖R₂₂‖ of X.
//
// # Accuracy and refusals
//
// Householder QR and LQ are backward stable, so on a matrix whose rank is
// revealed the relative error is about κ·u (consistent or underdetermined)
// and u·(κ + κ²‖r‖/(‖X‖‖w‖)) with a residual r, κ = σ₁/σ_r, u = 2⁻⁵³; the
// reduction adds one more backward-stable factorization. COD never refuses,
// except, like every solver, with an error wrapping ErrIllConditioned when
// X⁺y itself overflows float64.
//
// # Cost
//
// For X of full rank and moderate κ (the certificate holds): one blocked
// unpivoted QR or LQ, O(n·p·min(n, p)), as "qr" costs and as LAPACK's xGELS
// does. Otherwise that plus a pivoted QR of the k×k triangle: pivotedQR,
// LAPACK's blocked xGEQP3 algorithm run on Mᵀ in row-major storage, so that
// the columns of M are contiguous: its matrix–vector products over the
// trailing columns (the level-2 half) are dot products along rows, and a
// pivot swap exchanges two rows (with the OpenBLAS backend step 1 is
// LAPACK's own dgeqp3, and the unpivoted factorization its dgeqrf: see
// codGeqp3ColMajor and codLQRowMajor). Either is several times less than an
// SVD. Memory: one copy of X (transposed when n ≥ p; X is read in place
// through solveReadOnly and the copy is scaled on the way), then at most a
// k×k triangle; no Q is ever formed.
//
// COD implements Pseudoinverter, MultiSolver and Reporter (Rank = r).
type COD struct {
	cfg  config
	mode codMode // codAuto; tests and benchmarks force the other paths
}

// codMode selects COD's path; only tests and benchmarks choose one.
type codMode int

const (
	// codAuto, the default: the unpivoted factorization first, the
	// certified full-rank finish when the certificate holds, else the
	// pivoted QR of its triangle.
	codAuto codMode = iota
	// codReduced: the unpivoted factorization, then always the pivoted
	// QR of its triangle (the certificate is not tried).
	codReduced
	// codDirect: the pivoted QR of X itself, without the unpivoted step.
	codDirect
)

// codCertify is the margin μ of the full-rank certificate (see COD): the
// unpivoted triangle T is accepted as having full rank when
// σ̂_min(T) > μ·rcond·σ̂_max(T).
const codCertify = 0x1p20

// codCertifySteps is the number of power-iteration steps for each of the
// certificate's two estimates (see COD for why three suffice with μ = 2²⁰).
const codCertifySteps = 3

// codBlock is the panel width of pivotedQR: the number of columns whose
// updates are deferred into one matrix–matrix product.
const codBlock = 32

// NewCOD returns the "cod" solver. It accepts WithRCond.
func NewCOD(opts ...Option) *COD { return &COD{cfg: newConfig(optRCond, opts)} }

// Name returns "cod".
func (s *COD) Name() string { return "cod" }

// Solve returns X⁺y at the numerical rank of the pivoted QR.
func (s *COD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the rank r.
func (s *COD) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveReadOnly(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// Pinv returns the p×n pseudoinverse P·Zᵀ·[L⁻¹; 0]·Q₁ᵀ (times Q₀ᵀ after a
// reduction), by solving for the columns of the identity.
func (s *COD) Pinv(X mat.Matrix) (*mat.Dense, error) {
	return pinvScaled(s.Name(), &s.cfg, X, func(a *mat.Dense) (*mat.Dense, error) {
		W, _ := s.minNorm(a.RawMatrix(), 1, true, nil)
		return W, nil
	})
}

// SolveMany returns the p×k matrix X⁺Y from one decomposition of X.
func (s *COD) SolveMany(X mat.Matrix, Y mat.Matrix) (*mat.Dense, error) {
	return solveManyScaled(s.Name(), &s.cfg, X, Y, func(a, b *mat.Dense) (*mat.Dense, error) {
		B := b.RawMatrix()
		W, _ := s.minNorm(a.RawMatrix(), 1, true, &B)
		return W, nil
	})
}

// core reads X through t.gram(): the caller's storage (never written) or
// the pipeline's private copy, which it may overwrite.
func (s *COD) core(t *task) (*mat.VecDense, Report, error) {
	n := t.y.Len()
	b := blas64.General{Rows: n, Cols: 1, Stride: 1, Data: t.y.RawVector().Data}
	g := t.gram()
	W, rank := s.minNorm(g.x, g.alpha, t.view == nil, &b)
	p := W.RawMatrix().Rows
	return mat.NewVecDense(p, W.RawMatrix().Data), Report{Rank: rank}, nil
}

// minNorm returns the p×m matrix X⁺B for the n×m matrix B, or X⁺ itself
// when B is nil, and the rank, for the scaled X = alpha·x (alpha a power of
// two). It overwrites B, and x when owned.
func (s *COD) minNorm(x blas64.General, alpha float64, owned bool, B *blas64.General) (*mat.Dense, int) {
	return codMinNorm(x, alpha, owned, B, s.rcond(x.Rows, x.Cols), s.mode)
}

// codMinNorm is minNorm with the cut-off rcond, on the path mode.
func codMinNorm(x blas64.General, alpha float64, owned bool, B *blas64.General, rcond float64, mode codMode) (*mat.Dense, int) {
	n, p := x.Rows, x.Cols
	switch {
	case mode == codDirect:
		if B == nil {
			B = identity(n)
		}
		mt, jpvt, tau := codPivotedQR(codTransposeOf(x, alpha, owned))
		return codTransposed(mt, jpvt, tau, *B, rcond)
	case n >= p:
		return codTall(codTransposeOf(x, alpha, owned), B, rcond, mode)
	default:
		if B == nil {
			B = identity(n)
		}
		return codWide(codCopyOf(x, alpha, owned), *B, rcond, mode)
	}
}

// codTall computes X⁺B for n ≥ p from W = Xᵀ (p×n, overwritten), or X⁺
// itself when B is nil: the LQ factorization W = L·Q is the QR
// factorization X = Qᵀ·Lᵀ, R₀ = Lᵀ, so X⁺B = R₀⁺·(Q·B)₁ with (Q·B)₁ the
// first p rows of Q·B, and X⁺ = [R₀⁺ 0]·Q (p×n: no n×n identity).
func codTall(W blas64.General, B *blas64.General, rcond float64, mode codMode) (*mat.Dense, int) {
	p, n := W.Rows, W.Cols
	tau := make([]float64, p)
	codLQ(W, tau)
	var b blas64.General // the p×m right-hand side of R₀
	if B != nil {
		codOrmlq(blas.NoTrans, W, tau, *B)
		b = blas64.General{Rows: p, Cols: B.Cols, Stride: B.Stride, Data: B.Data}
	} else {
		b = *identity(p)
	}
	var V *mat.Dense
	var r int
	if mode == codAuto && codFullRank(W, rcond) {
		// R₀⁻¹·b = L⁻ᵀ·b.
		V, r = mat.NewDense(p, b.Cols, nil), p
		v := V.RawMatrix()
		for i := 0; i < p; i++ {
			copy(v.Data[i*v.Stride:i*v.Stride+b.Cols], b.Data[i*b.Stride:i*b.Stride+b.Cols])
		}
		tri := blas64.Triangular{N: p, Stride: W.Stride, Data: W.Data, Uplo: blas.Lower, Diag: blas.NonUnit}
		blas64.Trsm(blas.Left, blas.Trans, 1, tri, v)
	} else {
		// The pivoted QR of R₀, which pivotedQR takes transposed: R₀ᵀ = L,
		// copied without Q's reflectors beside it.
		L := blas64.General{Rows: p, Cols: p, Stride: p, Data: make([]float64, p*p)}
		keepTriangle(L, W, blas.Lower)
		mt, jpvt, tauP := codPivotedQR(L)
		V, r = codTransposed(mt, jpvt, tauP, b, rcond)
	}
	if B != nil {
		return V, r
	}
	out := mat.NewDense(p, n, nil)
	out.Slice(0, p, 0, p).(*mat.Dense).Copy(V)
	O := out.RawMatrix()
	work := codWork(func(query []float64) { lapack64.Ormlq(blas.Right, blas.NoTrans, W, tau, O, query, -1) })
	lapack64.Ormlq(blas.Right, blas.NoTrans, W, tau, O, work, len(work))
	return out, r
}

// codWide computes X⁺B for n < p from X (n×p, overwritten): with the LQ
// factorization X = L₀·Q₀, X⁺B = Q₀ᵀ·[L₀⁺B; 0].
func codWide(A, B blas64.General, rcond float64, mode codMode) (*mat.Dense, int) {
	n, p, m := A.Rows, A.Cols, B.Cols
	tau := make([]float64, n)
	codLQ(A, tau)
	out := mat.NewDense(p, m, nil)
	var r int
	if mode == codAuto && codFullRank(A, rcond) {
		tri := blas64.Triangular{N: n, Stride: A.Stride, Data: A.Data, Uplo: blas.Lower, Diag: blas.NonUnit}
		blas64.Trsm(blas.Left, blas.NoTrans, 1, tri, B)
		V := out.RawMatrix()
		for i := 0; i < n; i++ {
			copy(V.Data[i*V.Stride:i*V.Stride+m], B.Data[i*B.Stride:i*B.Stride+m])
		}
		r = n
	} else {
		// L₀ is the lower triangle of A's leading n×n block; Q₀'s
		// reflectors beside it are still needed, so L₀ goes to its own
		// storage, and pivotedQR takes it transposed (in place).
		L0 := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
		keepTriangle(L0, A, blas.Lower)
		mt, jpvt, tauP := codPivotedQR(codTransposeOf(L0, 1, true))
		var V *mat.Dense
		V, r = codTransposed(mt, jpvt, tauP, B, rcond)
		out.Slice(0, n, 0, m).(*mat.Dense).Copy(V)
	}
	codOrmlq(blas.Trans, A, tau, out.RawMatrix())
	return out, r
}

// codFullRank reports whether the certificate of COD holds for the k×k
// lower triangle T in the leading block of A (k = A.Rows; entries above the
// diagonal are not read): σ̂_min(T) > μ·rcond·σ̂_max(T), μ = codCertify.
func codFullRank(A blas64.General, rcond float64) bool {
	smin, smax := codSigmaEst(A, blas.Lower, A.Rows, codCertifySteps)
	return smin > codCertify*rcond*smax
}

// codLQRowMajor, when set, computes the LQ factorization of the k×N
// row-major W (k ≤ N) in place of lapack64.Gelqf, in Gelqf's layout. The
// openblas build sets it (cod_openblas.go) to LAPACK's dgeqrf called
// column-major on W, which is Wᵀ there, so that nothing is copied.
var codLQRowMajor func(W blas64.General, tau []float64)

// codLQ overwrites the k×N W (k ≤ N) with its LQ factorization W = L·Q as
// lapack64.Gelqf leaves it: L in the lower triangle, the reflectors of Q
// after the diagonal, their scalars in tau. In the pure-Go build Gelqf is
// internal/lapackfix's blocked one, which works along W's contiguous rows.
func codLQ(W blas64.General, tau []float64) {
	if codLQRowMajor != nil {
		codLQRowMajor(W, tau)
		return
	}
	work := codWork(func(query []float64) { lapack64.Gelqf(W, tau, query, -1) })
	lapack64.Gelqf(W, tau, work, len(work))
}

// codGeqp3ColMajor, when set, computes step 1 of COD in place of
// pivotedQR, in the same layout (mt holds M column-major) with jpvt and tau
// as pivotedQR returns them. The openblas build sets it (cod_openblas.go) to
// OpenBLAS's own dgeqp3, called column-major so that nothing is copied: it
// was as fast or faster than pivotedQR there (1000×1000, same run: 0.12 s
// against 0.17 s; one thread, 800×800: 0.11 s against 0.12 s). In the
// pure-Go build it is nil: pivotedQR was 1.4–1.6× faster than gonum's
// Dgeqp3.
var codGeqp3ColMajor func(mt blas64.General, jpvt []int, tau []float64)

// codPivotedQR computes step 1 of COD, M·P = Q·R, for the m×q M given
// transposed in the q×m mt (overwritten), and returns it in pivotedQR's
// layout: mt holds Rᵀ and Q's reflectors, the transpose of what
// lapack64.Geqp3 leaves in M, with jpvt and tau.
func codPivotedQR(mt blas64.General) (blas64.General, []int, []float64) {
	q, m := mt.Rows, mt.Cols
	jpvt := make([]int, q)
	tau := make([]float64, min(m, q))
	if codGeqp3ColMajor != nil {
		codGeqp3ColMajor(mt, jpvt, tau)
		return mt, jpvt, tau
	}
	pivotedQR(mt, jpvt, tau, codBlock)
	return mt, jpvt, tau
}

// codTransposeOf returns alpha·xᵀ for the m×q x: x's own storage,
// transposed in place, when x is square, owned (may be overwritten) and
// alpha = 1; new storage otherwise, filled tile by tile so that both the
// reads and the writes stay in cache (by the processors in parallel for a
// large x: 10 → about 5 ms at 2000×1000). alpha is a power of two, so the
// product is exact (the pipeline's scaled copy holds the same bits).
func codTransposeOf(x blas64.General, alpha float64, owned bool) blas64.General {
	m, q := x.Rows, x.Cols
	if m == q && owned && alpha == 1 {
		for i := 0; i < m; i++ {
			for j := i + 1; j < m; j++ {
				x.Data[i*x.Stride+j], x.Data[j*x.Stride+i] = x.Data[j*x.Stride+i], x.Data[i*x.Stride+j]
			}
		}
		return x
	}
	T := blas64.General{Rows: q, Cols: m, Stride: m, Data: make([]float64, q*m)}
	const tile = 32
	// Columns j0…j1 of x, rows j0…j1 of T.
	part := func(j0, j1 int) {
		for i0 := 0; i0 < m; i0 += tile {
			i1 := min(m, i0+tile)
			for jt := j0; jt < j1; jt += tile {
				jt1 := min(j1, jt+tile)
				for i := i0; i < i1; i++ {
					row := x.Data[i*x.Stride+jt : i*x.Stride+jt1]
					for j, v := range row {
						T.Data[(jt+j)*m+i] = alpha * v
					}
				}
			}
		}
	}
	// Two or more processors share a large copy, by whole tiles of T's rows.
	workers := min(runtime.GOMAXPROCS(0), (q+tile-1)/tile)
	if m*q < 1<<18 || workers < 2 {
		part(0, q)
		return T
	}
	var wg sync.WaitGroup
	per := ((q+tile-1)/tile + workers - 1) / workers * tile
	for j0 := 0; j0 < q; j0 += per {
		wg.Add(1)
		go func(j0, j1 int) {
			defer wg.Done()
			part(j0, j1)
		}(j0, min(q, j0+per))
	}
	wg.Wait()
	return T
}

// codCopyOf returns alpha·x: x itself when it is owned and alpha = 1, a
// new copy otherwise (alpha a power of two: exact).
func codCopyOf(x blas64.General, alpha float64, owned bool) blas64.General {
	if owned && alpha == 1 {
		return x
	}
	n, p := x.Rows, x.Cols
	c := blas64.General{Rows: n, Cols: p, Stride: p, Data: make([]float64, n*p)}
	for i := 0; i < n; i++ {
		dst := c.Data[i*p : (i+1)*p]
		for j, v := range x.Data[i*x.Stride : i*x.Stride+p] {
			dst[j] = alpha * v
		}
	}
	return c
}

// codTransposed computes the q×k matrix M⁺B at the numerical rank, and the
// rank, by steps 2–3 of COD, from step 1 as codPivotedQR returns it, for
// the m×q matrix M and the m×k B. It overwrites mt and B.
func codTransposed(mt blas64.General, jpvt []int, tau []float64, B blas64.General, rcond float64) (*mat.Dense, int) {
	q, m, nrhs := mt.Rows, mt.Cols, B.Cols
	k := min(q, m)
	out := mat.NewDense(q, nrhs, nil)
	V := out.RawMatrix()

	// 2. The rank: |R₁₁| > 0 because M ≠ 0 and the first pivot is the
	// column of largest norm, so r ≥ 1.
	r := codRankUplo(mt, blas.Lower, k, rcond)
	if r == 0 {
		return out, 0
	}

	// Qᵀ·B (Q = Q_lqᵀ, so Qᵀ·B = Q_lq·B), before the LQ step overwrites the
	// reflectors of Q.
	lead := blas64.General{Rows: k, Cols: m, Stride: mt.Stride, Data: mt.Data}
	codOrmlq(blas.NoTrans, lead, tau, B)
	for i := 0; i < r; i++ {
		copy(V.Data[i*V.Stride:i*V.Stride+nrhs], B.Data[i*B.Stride:i*B.Stride+nrhs])
	}
	c := blas64.General{Rows: r, Cols: nrhs, Stride: V.Stride, Data: V.Data}

	if r == q {
		// R₁₁ = (the leading lower triangle of mt)ᵀ: solve R₁₁·c = (QᵀB)₁.
		tri := blas64.Triangular{N: r, Stride: mt.Stride, Data: mt.Data, Uplo: blas.Lower, Diag: blas.NonUnit}
		blas64.Trsm(blas.Left, blas.Trans, 1, tri, c)
	} else {
		// 3. [R₁₁ R₁₂]ᵀ = G (q×r, the first r columns of mt) = Z'·[T; 0],
		// so L = Tᵀ and Z = Z'ᵀ. Above G's diagonal lie Q's reflectors,
		// which must be cleared first.
		for j := 0; j+1 < r; j++ {
			clear(mt.Data[j*mt.Stride+j+1 : j*mt.Stride+r])
		}
		G := blas64.General{Rows: q, Cols: r, Stride: mt.Stride, Data: mt.Data}
		tauZ := make([]float64, r)
		work := codWork(func(query []float64) { lapack64.Geqrf(G, tauZ, query, -1) })
		lapack64.Geqrf(G, tauZ, work, len(work))
		tri := blas64.Triangular{N: r, Stride: mt.Stride, Data: mt.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
		blas64.Trsm(blas.Left, blas.Trans, 1, tri, c) // L·c = Tᵀ·c = (QᵀB)₁
		codOrmqr(blas.NoTrans, G, tauZ, V)
	}
	// Undo the column pivoting: row jpvt[j] of the result is row j of V.
	lapack64.Lapmr(false, V, jpvt)
	return out, r
}

// pivotedQR computes the column-pivoted Householder QR factorization
//
//	M·P = Q·R
//
// of the m×q matrix M held transposed in the q×m mt (row j of mt is column
// j of M, so that columns are contiguous and swapping two is cheap), by the
// blocked algorithm of LAPACK's xGEQP3 and xLAQPS (Quintana-Ortí, Sun &
// Bischof, SIAM J. Sci. Comput. 19, 1998): in each panel of nb columns the
// updates of the trailing columns are accumulated in a matrix F, only the
// pivot row is updated at each step (enough to downdate the column norms),
// and the trailing matrix is updated by one matrix–matrix product at the
// end of the panel. Column norms are downdated as in LAPACK Working Note 176
// (Drmač & Bujanović 2008), and recomputed when cancellation makes the
// downdate inaccurate, which also ends the panel early.
//
// On return mt holds Rᵀ in its lower trapezoid (mt[j][i] = R[i][j], i ≤ j)
// and the Householder vectors H_j = I − τ_j·v_j·v_jᵀ of Q = H_0·…·H_{k−1}
// after the diagonal (v_j = (0, …, 0, 1, mt[j][j+1:])), with τ_j in tau: the
// layout of Gelqf for the LQ factorization Pᵀ·Mᵀ = Rᵀ·Qᵀ, so Ormlq applies Q
// and Qᵀ. jpvt[j] is the index in M of the column at position j.
func pivotedQR(mt blas64.General, jpvt []int, tau []float64, nb int) {
	q, m := mt.Rows, mt.Cols
	k := min(q, m)
	bi := blas64.Implementation()
	vn1 := make([]float64, q) // partial column norms
	vn2 := make([]float64, q) // the norms when last computed exactly
	for j := 0; j < q; j++ {
		jpvt[j] = j
		vn1[j] = bi.Dnrm2(m, mt.Data[j*mt.Stride:], 1)
		vn2[j] = vn1[j]
	}
	f := make([]float64, nb*q)
	aux := make([]float64, nb)
	for off := 0; off < k; {
		off += pivotedQRPanel(mt, off, min(nb, k-off), jpvt, tau, vn1, vn2, f, aux)
	}
}

// pivotedQRPanel factors up to nb columns of M from column (and row) off on,
// for pivotedQR, and returns how many it factored. F (q−off rows) is held
// transposed in f with stride q−off: f[l·(q−off)+j−off] = F[j][l], column j
// of M having received the panel's first l reflectors as
// M[:, j] − M[:, off:off+l]·F[j, 0:l]ᵀ.
func pivotedQRPanel(mt blas64.General, off, nb int, jpvt []int, tau, vn1, vn2, f, aux []float64) int {
	bi := blas64.Implementation()
	q, m, lda := mt.Rows, mt.Cols, mt.Stride
	a := mt.Data
	nf := q - off
	ldf := nf
	lastrk := min(m, q)
	tol3z := math.Sqrt(0x1p-53)
	lsticc := -1 // a linked list, through vn2, of norms to recompute
	k := 0
	for ; k < nb && lsticc == -1; k++ {
		j := off + k // the column factored now, and its diagonal row
		if pv := j + bi.Idamax(q-j, vn1[j:], 1); pv != j {
			bi.Dswap(m, a[pv*lda:], 1, a[j*lda:], 1)
			bi.Dswap(k, f[pv-off:], ldf, f[j-off:], ldf)
			jpvt[pv], jpvt[j] = jpvt[j], jpvt[pv]
			vn1[pv] = vn1[j]
			vn2[pv] = vn2[j]
		}
		col := a[j*lda : j*lda+m]

		// Apply the panel's previous reflectors to column j:
		// M[j:m, j] −= M[j:m, off:j]·F[j, 0:k]ᵀ.
		if k > 0 {
			bi.Dgemv(blas.Trans, k, m-j, -1, a[off*lda+j:], lda, f[j-off:], ldf, 1, col[j:], 1)
		}

		// The reflector H_j that zeroes M[j+1:m, j].
		akk, tj := col[j], 0.0
		if j < m-1 {
			akk, tj = lapackgonum.Implementation{}.Dlarfg(m-j, col[j], col[j+1:], 1)
		}
		tau[j] = tj
		col[j] = 1
		v := col[j:]

		// Column k of F: F[j+1:, k] = τ·M[j:m, j+1:q]ᵀ·v, the product over
		// the whole (not yet updated) trailing matrix, then
		// F[:, k] −= τ·F[:, 0:k]·(M[j:m, off:j]ᵀ·v) for the panel's earlier
		// reflectors.
		fk := f[k*ldf : k*ldf+nf]
		clear(fk[:j+1-off])
		if j < q-1 {
			bi.Dgemv(blas.NoTrans, q-j-1, m-j, tj, a[(j+1)*lda+j:], lda, v, 1, 0, fk[j+1-off:], 1)
		}
		if k > 0 {
			bi.Dgemv(blas.NoTrans, k, m-j, -tj, a[off*lda+j:], lda, v, 1, 0, aux, 1)
			bi.Dgemv(blas.Trans, k, nf, 1, f, ldf, aux, 1, 1, fk, 1)
		}

		// Update row j of M: M[j, j+1:q] −= M[j, off:j+1]·F[j+1:q, 0:k+1]ᵀ.
		if j < q-1 {
			bi.Dgemv(blas.Trans, k+1, q-j-1, -1, f[j+1-off:], ldf, a[off*lda+j:], lda, 1, a[(j+1)*lda+j:], lda)
		}

		// Downdate the partial norms of the trailing columns (LAWN 176).
		if j < lastrk-1 {
			for i := j + 1; i < q; i++ {
				if vn1[i] == 0 {
					continue
				}
				t := math.Abs(a[i*lda+j]) / vn1[i]
				t = math.Max(0, (1+t)*(1-t))
				ratio := vn1[i] / vn2[i]
				if t*ratio*ratio <= tol3z {
					vn2[i] = float64(lsticc)
					lsticc = i
				} else {
					vn1[i] *= math.Sqrt(t)
				}
			}
		}
		col[j] = akk
	}
	kb := k
	rk := off + kb

	// The trailing matrix: M[rk:m, rk:q] −= M[rk:m, off:rk]·F[kb:, 0:kb]ᵀ.
	if kb < min(nf, m-off) {
		bi.Dgemm(blas.Trans, blas.NoTrans, q-rk, m-rk, kb, -1, f[kb:], ldf, a[off*lda+rk:], lda, 1, a[rk*lda+rk:], lda)
	}

	// Recompute the norms whose downdates lost accuracy.
	for lsticc >= 0 {
		next := int(vn2[lsticc])
		vn1[lsticc] = bi.Dnrm2(m-rk, a[lsticc*lda+rk:], 1)
		vn2[lsticc] = vn1[lsticc]
		lsticc = next
	}
	return kb
}

// keepTriangle copies the upper (uplo = blas.Upper) or lower triangle of
// the leading s×s block of src, s = dst.Rows, into dst and zeroes the other
// strict triangle of dst. dst may be src itself.
func keepTriangle(dst, src blas64.General, uplo blas.Uplo) {
	s := dst.Rows
	for i := 0; i < s; i++ {
		d := dst.Data[i*dst.Stride : i*dst.Stride+s]
		r := src.Data[i*src.Stride : i*src.Stride+s]
		if uplo == blas.Upper {
			clear(d[:i])
			copy(d[i:], r[i:])
		} else {
			copy(d[:i+1], r[:i+1])
			clear(d[i+1:])
		}
	}
}

// identity returns the n×n identity matrix.
func identity(n int) *blas64.General {
	eye := blas64.General{Rows: n, Cols: n, Stride: n, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		eye.Data[i*n+i] = 1
	}
	return &eye
}

// codFewColumns is the number of columns of C below which codOrmqr and
// codOrmlq apply the reflectors one at a time. The blocked code forms the
// triangular factor of each block of nb reflectors, O(m·k·nb) flops whatever
// C is, to apply them with matrix–matrix products: for a single column it
// was 2.3× slower in the pure-Go build and 2.7× with OpenBLAS (k = 1000
// reflectors of length 2000), whose LAPACKE moreover copies A to
// column-major storage on every call.
const codFewColumns = 8

// codOrmqr overwrites the m×k C with Q·C or Qᵀ·C (trans), Q as lapack64.Geqrf
// leaves it in a and tau, and codOrmlq likewise for Q as lapack64.Gelqf
// leaves it in the a.Rows rows of a: one reflector at a time (Dorm2r,
// Dorml2) for fewer than codFewColumns columns, else by the blocked
// lapack64.Ormqr/Ormlq. In the pure-Go build those are internal/lapackfix's:
// gonum's blocked code got this Pinv wrong on a nearly orthogonal 35×36 X
// (‖X·P·X − X‖ = 2, props/testdata/rapid/TestMinNormSolvers_cod_penrose),
// whose pivoted QR left reflectors with exact trailing zeros (see
// lapackfix's package documentation).
func codOrmqr(trans blas.Transpose, a blas64.General, tau []float64, c blas64.General) {
	if c.Cols < codFewColumns {
		lapackgonum.Implementation{}.Dorm2r(blas.Left, trans, c.Rows, c.Cols, len(tau), a.Data, a.Stride, tau, c.Data, c.Stride, make([]float64, c.Cols))
		return
	}
	work := codWork(func(query []float64) { lapack64.Ormqr(blas.Left, trans, a, tau, c, query, -1) })
	lapack64.Ormqr(blas.Left, trans, a, tau, c, work, len(work))
}

// codOrmlq: see codOrmqr. For few columns it applies the reflectors itself
// (codOrmlqFew) rather than through Dorml2, whose rank-one update per
// reflector went through cgo to OpenBLAS's dger at about 11 µs a call in
// the openblas build (13 of cod's 165 ms at 2000×1000).
func codOrmlq(trans blas.Transpose, a blas64.General, tau []float64, c blas64.General) {
	if c.Cols < codFewColumns {
		codOrmlqFew(trans, a, tau, c)
		return
	}
	work := codWork(func(query []float64) { lapack64.Ormlq(blas.Left, trans, a, tau, c, query, -1) })
	lapack64.Ormlq(blas.Left, trans, a, tau, c, work, len(work))
}

// codOrmlqFew overwrites the m×k C with Q·C (trans = blas.NoTrans) or Qᵀ·C,
// Q = H_{r−1}·…·H_1·H_0 as lapack64.Gelqf leaves it in the r = len(tau)
// rows of a (H_j = I − τ_j·v_j·v_jᵀ, v_j = (0, …, 0, 1, a[j][j+1:m])), one
// reflector and one column at a time with gonum's assembly dot and axpy:
// Q·C applies H_0 first, Qᵀ·C applies H_{r−1} first (LAPACK's xORML2).
func codOrmlqFew(trans blas.Transpose, a blas64.General, tau []float64, c blas64.General) {
	m, r := c.Rows, len(tau)
	bi := blasgonum.Implementation{}
	for col := 0; col < c.Cols; col++ {
		x := c.Data[col:]
		for i := 0; i < r; i++ {
			j := i
			if trans != blas.NoTrans {
				j = r - 1 - i
			}
			if tau[j] == 0 {
				continue
			}
			if j+1 == m {
				x[j*c.Stride] *= 1 - tau[j]
				continue
			}
			v := a.Data[j*a.Stride+j+1 : j*a.Stride+m]
			rest := x[(j+1)*c.Stride:]
			s := tau[j] * (x[j*c.Stride] + bi.Ddot(m-j-1, v, 1, rest, c.Stride))
			x[j*c.Stride] -= s
			bi.Daxpy(m-j-1, -s, v, 1, rest, c.Stride)
		}
	}
}

// codWork returns a workspace large enough for every LAPACK call of
// queries, each of which makes one workspace query (lwork = −1) into the
// slice it is given.
func codWork(queries ...func(query []float64)) []float64 {
	lwork := 1
	for _, q := range queries {
		query := []float64{0}
		q(query)
		lwork = max(lwork, int(query[0]))
	}
	return make([]float64, lwork)
}

// rcond returns the configured relative cut-off, or the default shared with "svd".
func (s *COD) rcond(n, p int) float64 {
	if s.cfg.set&optRCond != 0 {
		return s.cfg.rcond
	}
	return svdDefaultRCond(n, p)
}

// codRank returns the numerical rank of the column-pivoted QR factor R held
// in the upper triangle of A, as lapack64.Geqp3 leaves it (k = min(rows,
// cols) diagonal entries), by the rule documented on COD: the diagonal test,
// then codRefineRank. It returns 0 only when R₁₁ = 0.
func codRank(A blas64.General, k int, rcond float64) int {
	return codRankUplo(A, blas.Upper, k, rcond)
}

// codRankUplo is codRank for R held in the upper triangle of A (uplo =
// blas.Upper) or transposed in its lower triangle (blas.Lower, as pivotedQR
// leaves it).
func codRankUplo(A blas64.General, uplo blas.Uplo, k int, rcond float64) int {
	cut := rcond * math.Abs(A.Data[0])
	r := 0
	for r < k && math.Abs(A.Data[r*A.Stride+r]) > cut {
		r++
	}
	if r == 0 {
		return 0
	}
	return codRefineRank(A, uplo, r, rcond)
}

// codRefineRank applies step 2 of the rank rule (see COD) to the upper
// triangle R held in the leading r×r block of A, in its upper triangle
// (uplo = blas.Upper) or transposed in its lower one (blas.Lower): it
// lowers r while the estimated smallest singular value of the leading
// triangle is at most rcond times the estimated largest. A triangle whose
// inverse overflows is treated as singular. The iteration is the same,
// operation for operation, in either layout.
func codRefineRank(A blas64.General, uplo blas.Uplo, r int, rcond float64) int {
	const steps = 6 // power-iteration steps for each estimate
	for r > 1 {
		smin, smax := codSigmaEst(A, uplo, r, steps)
		if smin > rcond*smax {
			break
		}
		r--
	}
	return r
}

// codSigmaEst returns estimates of the smallest and the largest singular
// value of the r×r triangle R held in the leading block of A, in its upper
// triangle (uplo = blas.Upper) or transposed in its lower one (blas.Lower),
// by steps steps of inverse and of direct power iteration on RᵀR from
// startVector: σ̂_max = √‖RᵀR·x‖ and σ̂_min = 1/√‖(RᵀR)⁻¹·x‖ for the last
// unit iterate x. Both err on the side of a better-conditioned R: σ̂_max ≤
// σ_max and σ̂_min ≥ σ_min. A triangle whose inverse overflows gets σ̂_min =
// 0. The iteration is the same, operation for operation, in either layout.
func codSigmaEst(A blas64.General, uplo blas.Uplo, r, steps int) (smin, smax float64) {
	// Trmv(byR, tri) multiplies by R, Trmv(byRT, tri) by Rᵀ, and likewise
	// Trsv solves with them.
	byR, byRT := blas.NoTrans, blas.Trans
	if uplo == blas.Lower {
		byR, byRT = blas.Trans, blas.NoTrans
	}
	x := make([]float64, r)
	tri := blas64.Triangular{N: r, Stride: A.Stride, Data: A.Data, Uplo: uplo, Diag: blas.NonUnit}
	v := blas64.Vector{N: r, Inc: 1, Data: x}
	startVector(x)
	for it := 0; it < steps; it++ {
		blas64.Trmv(byR, tri, v)
		blas64.Trmv(byRT, tri, v)
		nrm := blas64.Nrm2(v)
		if nrm == 0 || math.IsInf(nrm, 0) || math.IsNaN(nrm) {
			break
		}
		smax = math.Sqrt(nrm)
		blas64.Scal(1/nrm, v)
	}
	startVector(x)
	for it := 0; it < steps; it++ {
		blas64.Trsv(byRT, tri, v)
		blas64.Trsv(byR, tri, v)
		nrm := blas64.Nrm2(v)
		if nrm == 0 || math.IsInf(nrm, 0) || math.IsNaN(nrm) {
			return 0, smax // the inverse overflows: numerically singular
		}
		smin = 1 / math.Sqrt(nrm)
		blas64.Scal(1/nrm, v)
	}
	return smin, smax
}

// startVector fills x with a fixed unit vector that has no special
// structure (so it is not orthogonal to any singular vector by accident),
// making the rank decision deterministic.
func startVector(x []float64) {
	s := 0.0
	for i := range x {
		x[i] = 1 + 0.5*math.Sin(float64(3*i+1))
		s += x[i] * x[i]
	}
	s = 1 / math.Sqrt(s)
	for i := range x {
		x[i] *= s
	}
}
