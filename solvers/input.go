package solvers

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The input pipeline shared by every solver, in the order gonum's lapack
// routines use: argument checks, quick return, work.
//
//  1. Check shapes and finiteness, and copy X and y into private dense
//     storage, so that the caller's matrices are never modified, any
//     mat.Matrix (views, transposes, sparse types) is accepted, and the core
//     of each solver may overwrite its working copy.
//  2. Quick return: X = 0 or y = 0 gives w = 0 exactly (X⁺0 = 0, 0⁺ = 0, and
//     likewise for ridge), which also guards the zero matrix for every method.
//  3. Scale X and y by powers of two so that max|X_ij| and max|y_i| lie in
//     [½, 1). Powers of two scale without rounding, so the scaled problem is
//     exactly equivalent: X⁺y = (2^ey/2^ex)·(X/2^ex)⁺(y/2^ey), and ridge with λ
//     on X is ridge with λ/2^(2ex) on X/2^ex. This keeps Gram matrices and
//     squared norms from overflowing or underflowing on huge or tiny inputs.
//  4. Run the solver's core on the scaled copy, then scale back. A non-finite
//     result (overflow of an unrepresentable answer, or a breakdown) becomes
//     an error, never a returned vector.

// task is the scaled problem a solver's core works on: private copies that
// the core may overwrite.
type task struct {
	X      *mat.Dense    // n×p, max|X_ij| ∈ [½, 1)
	y      *mat.VecDense // length n, max|y_i| ∈ [½, 1), or all zero
	lambda float64       // the ridge penalty for the scaled X (0 for min-norm)
	start  *mat.VecDense // the scaled starting point, or nil for w₀ = 0
	cfg    *config
}

// coreFunc solves the scaled problem.
type coreFunc func(t *task) (*mat.VecDense, Report, error)

// scaled is a validated private copy of X scaled by 2^-exp.
type scaled struct {
	X    *mat.Dense
	exp  int  // X = 2^exp · scaled X
	zero bool // every entry is zero
}

// dims returns the dimensions of X, turning the panic of a nil or typed-nil
// matrix into ErrShape.
func dims(name string, X mat.Matrix) (n, p int, err error) {
	if X == nil {
		return 0, 0, refusal(name, ErrShape, "X is nil")
	}
	defer func() {
		if recover() != nil {
			n, p, err = 0, 0, refusal(name, ErrShape, "X is a nil or unusable matrix")
		}
	}()
	n, p = X.Dims()
	if n <= 0 || p <= 0 {
		return 0, 0, refusal(name, ErrShape, "X is empty (%d×%d)", n, p)
	}
	return n, p, nil
}

// vecLen returns the length of y, turning the panic of a typed-nil vector
// into ErrShape.
func vecLen(name string, y mat.Vector) (n int, err error) {
	if y == nil {
		return 0, refusal(name, ErrShape, "y is nil")
	}
	defer func() {
		if recover() != nil {
			n, err = 0, refusal(name, ErrShape, "y is a nil or unusable vector")
		}
	}()
	return y.Len(), nil
}

// scaleCopy copies the n×p matrix X into fresh storage, checking finiteness
// and scaling it by a power of two so that its largest magnitude lies in [½, 1).
func scaleCopy(name, what string, X mat.Matrix, n, p int) (scaled, error) {
	d := mat.NewDense(n, p, nil)
	raw := d.RawMatrix()
	maxAbs := 0.0
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j := range row {
			v := X.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return scaled{}, refusal(name, ErrNotFinite, "%s[%d,%d] = %v", what, i, j, v)
			}
			row[j] = v
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
	}
	if maxAbs == 0 {
		return scaled{X: d, zero: true}, nil
	}
	_, exp := math.Frexp(maxAbs) // maxAbs = f·2^exp, f ∈ [½, 1)
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j := range row {
			row[j] = math.Ldexp(row[j], -exp)
		}
	}
	return scaled{X: d, exp: exp}, nil
}

// solveScaled runs the shared pipeline for one right-hand side. For ridge
// solvers isRidge is true and lambda is the caller's penalty, validated here.
func solveScaled(name string, cfg *config, isRidge bool, lambda float64, X mat.Matrix, y mat.Vector, core coreFunc) (*mat.VecDense, Report, error) {
	if cfg.err != nil {
		return nil, Report{}, fmt.Errorf("%s: %w", name, cfg.err)
	}
	if isRidge && !(lambda >= 0 && !math.IsInf(lambda, 1)) {
		return nil, Report{}, refusal(name, ErrBadParameter, "λ = %v must be finite and non-negative", lambda)
	}
	n, p, err := dims(name, X)
	if err != nil {
		return nil, Report{}, err
	}
	m, err := vecLen(name, y)
	if err != nil {
		return nil, Report{}, err
	}
	if m != n {
		return nil, Report{}, refusal(name, ErrShape, "len(y) = %d, X has %d rows", m, n)
	}
	if cfg.start != nil && cfg.start.Len() != p {
		return nil, Report{}, refusal(name, ErrShape, "start vector has length %d, X has %d columns", cfg.start.Len(), p)
	}
	sx, err := scaleCopy(name, "X", X, n, p)
	if err != nil {
		return nil, Report{}, err
	}
	sy, err := scaleCopy(name, "y", y, n, 1)
	if err != nil {
		return nil, Report{}, err
	}
	t := &task{X: sx.X, y: mat.NewVecDense(n, sy.X.RawMatrix().Data), cfg: cfg}
	if cfg.start != nil {
		// The scaled problem's solution is w·2^(ex−ey); scale w₀ alike.
		t.start = mat.NewVecDense(p, nil)
		for i := 0; i < p; i++ {
			t.start.SetVec(i, math.Ldexp(cfg.start.AtVec(i), sx.exp-sy.exp))
		}
		if sx.zero { // every w is a minimiser; the iteration never moves
			return mat.VecDenseCopyOf(cfg.start), Report{}, nil
		}
	} else if sx.zero || sy.zero {
		return mat.NewVecDense(p, nil), Report{}, nil
	}
	if isRidge {
		t.lambda = math.Ldexp(lambda, -2*sx.exp)
		if math.IsInf(t.lambda, 0) {
			return nil, Report{}, refusal(name, ErrBadParameter, "λ = %v overflows when X is scaled to unit size (max|X| ≈ 2^%d)", lambda, sx.exp)
		}
	}
	w, rep, err := core(t)
	if err != nil {
		return nil, rep, err
	}
	out := mat.NewVecDense(p, nil)
	for i := 0; i < p; i++ {
		v := math.Ldexp(w.AtVec(i), sy.exp-sx.exp)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, rep, refusal(name, ErrIllConditioned, "solution is not representable (w[%d] = %v)", i, v)
		}
		out.SetVec(i, v)
	}
	return out, rep, nil
}

// pinvScaled runs the shared pipeline for a pseudoinverse: X⁺ = 2^-ex·(X/2^ex)⁺.
// core returns the p×n pseudoinverse of the scaled X, which it may overwrite.
func pinvScaled(name string, cfg *config, X mat.Matrix, core func(X *mat.Dense) (*mat.Dense, error)) (*mat.Dense, error) {
	if cfg.err != nil {
		return nil, fmt.Errorf("%s: %w", name, cfg.err)
	}
	n, p, err := dims(name, X)
	if err != nil {
		return nil, err
	}
	sx, err := scaleCopy(name, "X", X, n, p)
	if err != nil {
		return nil, err
	}
	if sx.zero {
		return mat.NewDense(p, n, nil), nil
	}
	P, err := core(sx.X)
	if err != nil {
		return nil, err
	}
	if err := unscale(name, P, -sx.exp); err != nil {
		return nil, err
	}
	return P, nil
}

// solveManyScaled runs the shared pipeline for k right-hand sides, the
// columns of the n×k matrix Y. core returns the p×k solution of the scaled
// problem; it may overwrite X and Y.
func solveManyScaled(name string, cfg *config, X mat.Matrix, Y mat.Matrix, core func(X, Y *mat.Dense) (*mat.Dense, error)) (*mat.Dense, error) {
	if cfg.err != nil {
		return nil, fmt.Errorf("%s: %w", name, cfg.err)
	}
	n, p, err := dims(name, X)
	if err != nil {
		return nil, err
	}
	m, k, err := dims(name, Y)
	if err != nil {
		return nil, err
	}
	if m != n {
		return nil, refusal(name, ErrShape, "Y has %d rows, X has %d", m, n)
	}
	sx, err := scaleCopy(name, "X", X, n, p)
	if err != nil {
		return nil, err
	}
	sy, err := scaleCopy(name, "Y", Y, n, k)
	if err != nil {
		return nil, err
	}
	if sx.zero || sy.zero {
		return mat.NewDense(p, k, nil), nil
	}
	W, err := core(sx.X, sy.X)
	if err != nil {
		return nil, err
	}
	if err := unscale(name, W, sy.exp-sx.exp); err != nil {
		return nil, err
	}
	return W, nil
}

// unscale multiplies every entry of A by 2^exp in place and reports a
// non-finite result as ErrIllConditioned.
func unscale(name string, A *mat.Dense, exp int) error {
	r, c := A.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := math.Ldexp(A.At(i, j), exp)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return refusal(name, ErrIllConditioned, "result is not representable (entry [%d,%d] = %v)", i, j, v)
			}
			A.Set(i, j, v)
		}
	}
	return nil
}
