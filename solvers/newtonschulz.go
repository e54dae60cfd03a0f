package solvers

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// NewtonSchulz is the "newton-schulz" solver: the pseudoinverse of the n×p X
// by the Newton–Schulz (hyperpower order 2) iteration of Ben-Israel & Cohen
// (1966, "An iterative method for computing the generalized inverse of an
// arbitrary matrix"), built only from matrix products,
//
//	Z₀ = α·Xᵀ,  α = 1/(‖X‖₁·‖X‖∞) ≤ 1/σ₁²,
//	Z_{k+1} = Z_k·(2I − X·Z_k) = 2Z_k − Z_k·X·Z_k,
//	w = Z·y.
//
// In exact arithmetic Z_k has the singular vectors of X⁺ and, with
// s_i = σ_i·z_i the eigenvalues of X·Z_k on the range of X,
//
//	1 − s_i(k+1) = (1 − s_i(k))²,  so  1 − s_i(k) = (1 − α·σ_i²)^(2^k):
//
// each singular direction is picked up after about log₂(1/(α·σ_i²))
// iterations and then converges quadratically, so a problem with condition
// number κ takes about 2·log₂κ + log₂log(1/tol) iterations. Each iteration
// costs two products, 4·n·p·m flops with m = min(n, p) (the m×m product
// T = X·Z if n ≤ p, T = Z·X otherwise, then Z·(2I − T) or (2I − T)·Z).
//
// # Stopping rule and certificate
//
// T_k (m×m) is the identity exactly when every singular direction of X has
// converged and X has full rank m, so the iteration stops as soon as
//
//	e_k = ‖I − T_k‖_F ≤ tol   (default tol = √ε = 2⁻²⁶ ≈ 1.5·10⁻⁸; WithTol),
//
// and applies one last update, for which ‖I − T_{k+1}‖_F ≤ e_k² + rounding:
// Pinv returns the matrix Z_{k+1}, and Solve returns w = Z_{k+1}·y computed as
// 2v − Z_k·(X·v) with v = Z_k·y (three matrix-vector products; see core for
// why this order matters). Report's Iterations counts the updates, the last
// one included. The rounding floor of e_k is about √m·κ·u (u = 2⁻⁵³): a tol
// below it cannot be met.
//
// # Refusal rule
//
// A converged-looking iterate can still be wrong: a tiny singular value σ is
// invisible (s ≈ 2^k·α·σ² ≈ 0) until about log₂(1/(α·σ²)) iterations, and
// the pseudoinverse of a numerically rank-deficient X is not even stable
// under this iteration: rounding errors in the block of Z that maps null(Xᵀ)
// to null(X) double at every step (Söderström & Stewart 1974, "On the
// numerical properties of an iterative method for computing the
// Moore–Penrose generalized inverse"). So NewtonSchulz answers only on the
// certificate above, which proves X has full rank min(n, p) with every
// singular value resolved; it never answers on a rank-deficient X. Let
//
//	k* = ⌈log₂(κ_max²·ln(√m/tol)/λ̂)⌉,  κ_max = 1/√u ≈ 9.5·10⁷,
//
// with λ̂ ≤ α·σ₁² a Rayleigh-quotient lower bound from T₀. Since
// 1 − s_i(k) ≤ exp(−2^k·α·σ_i²) and α·σ_i² ≥ λ̂/κ_max² when κ₂(X) ≤ κ_max, in
// exact arithmetic every full-rank X with κ₂(X) ≤ κ_max meets the stopping
// rule within k* iterations. NewtonSchulz refuses
//
//   - with ErrIllConditioned when e_k > tol after k* + 2 iterations (the 2
//     extra iterations absorb rounding): X is rank-deficient, has
//     κ₂(X) > κ_max, or is too ill-conditioned for the rounding floor to
//     reach tol. k* is about 60 for tol = 2⁻²⁶, so a refusal costs about 60
//     iterations;
//   - with ErrIllConditioned at once if e_k grows above 2√m or is not finite
//     (in exact arithmetic e_k ≤ e₀ ≤ √m: rounding has taken over);
//   - with ErrNotConverged if the iteration cap (default 100, WithMaxIter) is
//     reached first.
//
// # Accuracy
//
// When it answers, the relative error of w is about that of a backward-stable
// solver, κ·u for a consistent or underdetermined problem and
// u·(κ + κ²‖r‖/(‖X‖‖w‖)) with a residual r: on planted problems up to
// κ = 10⁸ the measured error stayed within 6 times that bound. The iteration
// corrects its own rounding errors on the range of X (the quadratic
// convergence of I − T), which is why it is accurate despite forming no
// factorization.
//
// NewtonSchulz implements Pseudoinverter and Reporter (Iterations).
type NewtonSchulz struct{ cfg config }

// NewNewtonSchulz returns the "newton-schulz" solver. It accepts WithTol (the
// stopping tolerance on ‖I − T‖_F, in (0, 1)) and WithMaxIter.
func NewNewtonSchulz(opts ...Option) *NewtonSchulz {
	return &NewtonSchulz{cfg: newConfig(optTol|optMaxIter, opts)}
}

// Name returns "newton-schulz".
func (s *NewtonSchulz) Name() string { return "newton-schulz" }

// Solve returns X⁺y for a full-rank X, or an error.
func (s *NewtonSchulz) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report giving the number of iterations.
func (s *NewtonSchulz) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

// Pinv returns the p×n pseudoinverse of a full-rank X, or an error.
func (s *NewtonSchulz) Pinv(X mat.Matrix) (*mat.Dense, error) {
	return pinvScaled(s.Name(), &s.cfg, X, func(a *mat.Dense) (*mat.Dense, error) {
		A := a.RawMatrix()
		Z, T, _, err := s.iterate(A)
		if err != nil {
			return nil, err
		}
		// The last update, Z·(2I − T) or (2I − T)·Z, as in the iteration.
		out := mat.NewDense(Z.Rows, Z.Cols, nil)
		next := out.RawMatrix()
		copy(next.Data, Z.Data)
		if A.Rows <= A.Cols {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, Z, T, 2, next)
		} else {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, T, Z, 2, next)
		}
		return out, nil
	})
}

// core returns w = Z_{k+1}·y computed as (2I − Z_k·X)·Z_k·y from three
// matrix-vector products: cheaper than the last matrix update, and more
// accurate for n ≤ p, where fl(Z_k·(2I − T_k))·y would carry the rounding
// error of T_k = X·Z_k, about κ·u, amplified by ‖Z_k‖ into a relative error
// of about κ²·u; in this order every rounding error is multiplied by ‖Z‖‖X‖
// at most, so the error is about κ·u.
func (s *NewtonSchulz) core(t *task) (*mat.VecDense, Report, error) {
	A := t.X.RawMatrix()
	Z, _, rep, err := s.iterate(A)
	if err != nil {
		return nil, rep, err
	}
	n, p := A.Rows, A.Cols
	v := blas64.Vector{N: p, Inc: 1, Data: make([]float64, p)}
	xv := blas64.Vector{N: n, Inc: 1, Data: make([]float64, n)}
	blas64.Gemv(blas.NoTrans, 1, Z, t.y.RawVector(), 0, v) // v = Z·y
	blas64.Gemv(blas.NoTrans, 1, A, v, 0, xv)              // X·v
	w := mat.NewVecDense(p, nil)
	blas64.Copy(v, w.RawVector())
	blas64.Gemv(blas.NoTrans, -1, Z, xv, 2, w.RawVector()) // w = 2v − Z·X·v
	return w, rep, nil
}

// Defaults of the Newton–Schulz solver.
const (
	nsDefaultTol     = 0x1p-26 // √ε
	nsDefaultMaxIter = 100
)

// nsMaxCond is κ_max of the refusal rule, 1/√u.
var nsMaxCond = 1 / math.Sqrt(0x1p-53)

// iterate runs the iteration on the n×p A, which it does not modify, until
// the stopping rule holds for Z_k, and returns the p×n Z_k and the m×m T_k.
// Report.Iterations counts the final update, which the caller applies.
func (s *NewtonSchulz) iterate(A blas64.General) (Z, T blas64.General, rep Report, err error) {
	n, p := A.Rows, A.Cols
	m := min(n, p)
	wide := n <= p
	tol := s.cfg.tolOr(nsDefaultTol)
	if !(tol < 1) {
		return Z, T, rep, refusal(s.Name(), ErrBadParameter, "tolerance %v must be below 1: ‖I − T‖_F ≥ 1 certifies nothing", tol)
	}
	maxIter := s.cfg.maxIterOr(nsDefaultMaxIter)

	// Z₀ = α·Xᵀ; ‖X‖₁‖X‖∞ ≥ σ₁² > 0 for X ≠ 0.
	work := make([]float64, max(n, p))
	alpha := 1 / (lapack64.Lange(lapack.MaxColumnSum, A, work) * lapack64.Lange(lapack.MaxRowSum, A, work))
	Z = blas64.General{Rows: p, Cols: n, Stride: n, Data: make([]float64, p*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			Z.Data[j*n+i] = alpha * A.Data[i*A.Stride+j]
		}
	}
	Znext := blas64.General{Rows: p, Cols: n, Stride: n, Data: make([]float64, p*n)}
	T = blas64.General{Rows: m, Cols: m, Stride: m, Data: make([]float64, m*m)}

	kStar := 0 // set from T₀
	for k := 0; k < maxIter; k++ {
		// T_k = X·Z_k (n ≤ p) or Z_k·X.
		if wide {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, A, Z, 0, T)
		} else {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, Z, A, 0, T)
		}
		rep = Report{Iterations: k + 1}
		e := nsDefect(T)
		if k == 0 {
			kStar = nsIterationBound(T, tol)
		}
		switch {
		case e <= tol:
			return Z, T, rep, nil
		case !(e <= 2*math.Sqrt(float64(m))):
			return Z, T, rep, refusal(s.Name(), ErrIllConditioned,
				"the iteration diverged at step %d (‖I − T‖_F = %.3g): X is too ill-conditioned; use svd or cod", k+1, e)
		case k >= kStar+2:
			return Z, T, rep, refusal(s.Name(), ErrIllConditioned,
				"‖I − T‖_F = %.3g > tol = %.3g after %d iterations, enough for any full-rank X with κ ≤ %.3g: X is rank-deficient or too ill-conditioned; use svd or cod",
				e, tol, k, nsMaxCond)
		}
		// Z_{k+1} = 2Z_k − Z_k·T_k or 2Z_k − T_k·Z_k.
		copy(Znext.Data, Z.Data)
		if wide {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, Z, T, 2, Znext)
		} else {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, T, Z, 2, Znext)
		}
		Z, Znext = Znext, Z
	}
	return Z, T, Report{Iterations: maxIter}, refusal(s.Name(), ErrNotConverged,
		"‖I − T‖_F > tol = %.3g after the cap of %d iterations", tol, maxIter)
}

// nsDefect returns ‖I − T‖_F for the m×m T.
func nsDefect(T blas64.General) float64 {
	sum := 0.0
	for i := 0; i < T.Rows; i++ {
		row := T.Data[i*T.Stride : i*T.Stride+T.Cols]
		for j, v := range row {
			if i == j {
				v = 1 - v
			}
			sum += v * v
		}
	}
	return math.Sqrt(sum)
}

// nsIterationBound returns k* of the refusal rule from T₀ = α·X·Xᵀ (or
// α·Xᵀ·X), whose largest eigenvalue is α·σ₁². It bounds that eigenvalue from
// below by the best Rayleigh quotient among the diagonal entries and a few
// power-iteration steps from the largest one.
func nsIterationBound(T blas64.General, tol float64) int {
	m := T.Rows
	best, arg := 0.0, 0
	for i := 0; i < m; i++ {
		if d := T.Data[i*T.Stride+i]; d > best {
			best, arg = d, i
		}
	}
	v := make([]float64, m)
	tv := make([]float64, m)
	v[arg] = 1
	for it := 0; it < 8; it++ {
		blas64.Gemv(blas.NoTrans, 1, T, blas64.Vector{N: m, Inc: 1, Data: v}, 0, blas64.Vector{N: m, Inc: 1, Data: tv})
		vv, vtv := 0.0, 0.0
		for i := range v {
			vv += v[i] * v[i]
			vtv += v[i] * tv[i]
		}
		// Rayleigh quotients of a symmetric T never exceed λ_max; T is
		// symmetric up to rounding, so shave a relative 10⁻⁸ off to stay
		// on the safe side.
		if q := vtv / vv * (1 - 1e-8); q > best {
			best = q
		}
		nrm := math.Sqrt(blas64.Dot(blas64.Vector{N: m, Inc: 1, Data: tv}, blas64.Vector{N: m, Inc: 1, Data: tv}))
		if !(nrm > 0) {
			break
		}
		for i := range v {
			v[i] = tv[i] / nrm
		}
	}
	if !(best > 0) { // cannot happen for X ≠ 0; refuse at the cap instead
		return math.MaxInt / 2
	}
	theta := best / (nsMaxCond * nsMaxCond) // α·σ_min² ≥ θ when κ ≤ κ_max
	need := math.Log(math.Sqrt(float64(m))/tol) / theta
	return int(math.Ceil(math.Log2(math.Max(need, 1))))
}
