package solvers

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
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
//
// Solvers that only read X skip the copy of X in step 1 when they can read
// the caller's storage in place with the same result (solveReadOnly,
// viewScaled).

// task is the scaled problem a solver's core works on: private copies that
// the core may overwrite.
type task struct {
	X      *mat.Dense    // n×p, max|X_ij| ∈ [½, 1); nil when view is set
	view   *gramX        // X read in place (solveReadOnly), or nil
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
// A non-finite entry is reported by its first position in row-major order.
func scaleCopy(name, what string, X mat.Matrix, n, p int) (scaled, error) {
	d := mat.NewDense(n, p, nil)
	data := d.RawMatrix().Data // stride p: the n·p entries are contiguous
	if !copyRaw(data, X, n, p) {
		for i := 0; i < n; i++ {
			row := data[i*p : (i+1)*p]
			for j := range row {
				row[j] = X.At(i, j)
			}
		}
	}
	maxAbs, bad := maxAbsFinite(data)
	if bad >= 0 {
		return scaled{}, refusal(name, ErrNotFinite, "%s[%d,%d] = %v", what, bad/p, bad%p, data[bad])
	}
	if maxAbs == 0 {
		return scaled{X: d, zero: true}, nil
	}
	_, exp := math.Frexp(maxAbs) // maxAbs = f·2^exp, f ∈ [½, 1)
	ldexpAll(data, -exp)         // every entry stays finite: |x|·2^-exp < 1
	return scaled{X: d, exp: exp}, nil
}

// copyRaw copies the n×p matrix X into dst (row-major, stride p) straight
// from its backing array when X exposes one: a mat.RawMatrixer (*mat.Dense,
// views included), a mat.RawVectorer (*mat.VecDense, n×1), or the
// mat.Untransposer of either (X.T()). It reports false, having written
// nothing, for any other matrix, which the caller then reads with At.
func copyRaw(dst []float64, X mat.Matrix, n, p int) bool {
	transposed := false
	src := X
	if u, ok := X.(mat.Untransposer); ok {
		transposed, src = true, u.Untranspose()
	}
	var (
		data       []float64
		rows, cols int // of src
		rowStride  int // distance between src[i, j] and src[i+1, j]
		colStride  int // distance between src[i, j] and src[i, j+1]
	)
	switch s := src.(type) {
	case mat.RawMatrixer:
		a := s.RawMatrix()
		data, rows, cols, rowStride, colStride = a.Data, a.Rows, a.Cols, a.Stride, 1
	case mat.RawVectorer:
		v := s.RawVector()
		data, rows, cols, rowStride, colStride = v.Data, v.N, 1, v.Inc, 1
	default:
		return false
	}
	if transposed {
		rows, cols, rowStride, colStride = cols, rows, colStride, rowStride
	}
	// Trust the raw view only when it agrees with Dims and lies in bounds.
	if rows != n || cols != p || rowStride < 1 || colStride < 1 ||
		len(data) < (n-1)*rowStride+(p-1)*colStride+1 {
		return false
	}
	switch {
	case colStride == 1: // rows are contiguous
		if rowStride == p {
			copy(dst, data[:n*p])
			return true
		}
		for i := 0; i < n; i++ {
			copy(dst[i*p:(i+1)*p], data[i*rowStride:i*rowStride+p])
		}
	case rowStride == 1: // columns are contiguous: a transpose, in cache-sized blocks
		const block = 32
		for i0 := 0; i0 < n; i0 += block {
			i1 := min(i0+block, n)
			for j := 0; j < p; j++ {
				col := data[j*colStride+i0 : j*colStride+i1]
				for i, v := range col {
					dst[(i0+i)*p+j] = v
				}
			}
		}
	default: // neither (a transposed strided vector is 1×p or p×1: one loop)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				dst[i*p+j] = data[i*rowStride+j*colStride]
			}
		}
	}
	return true
}

// gram returns the task's X for a core that only reads it: the caller's
// storage with its scale (t.view), or the private scaled copy with scale 1.
func (t *task) gram() gramX {
	if t.view != nil {
		return *t.view
	}
	return gramX{x: t.X.RawMatrix(), alpha: 1}
}

// gramX is a read-only n×p matrix x together with the power of two alpha
// such that alpha·x is the scaled X of the pipeline (max|alpha·x_ij| in
// [½, 1)): the caller's own storage with alpha = 2^-exp (viewScaled), or a
// private scaled copy with alpha = 1. The Gram-based ridge solvers read X
// only through products that take alpha as their scalar factor (Dsyrk with
// alpha², Dgemv with alpha), which multiply by a power of two without
// rounding; so the two forms give the same bits.
type gramX struct {
	x     blas64.General
	alpha float64
}

// Limits of viewScaled's fast path, chosen so that it computes exactly what
// the scaled copy would. With every non-zero |x_ij| in [2^viewMinExp,
// 2^viewMaxExp] and the largest in [2^-viewMaxExp, 2^viewMaxExp], every
// product x_ij·x_kl and every partial sum of them is a normal number or
// zero both for x and for the scaled copy x·2^-exp (|exp| ≤ viewMaxExp):
// products lie between 2^-800 and 2^64, partial sums are multiples of
// 2^-852 below n·2^64. Power-of-two scaling then commutes with every
// rounding, fused multiply-adds included.
const (
	viewMinExp = -400
	viewMaxExp = 32
)

// viewScaled returns X's own storage, to be read but never written, as a
// gramX, when X is a *mat.Dense (views included) whose entries are finite
// and within viewScaled's limits; ok is false otherwise (the caller copies
// instead, with scaleCopy). zero reports X = 0. A non-finite entry is
// refused as scaleCopy refuses it, by its first position in row-major
// order.
func viewScaled(name, what string, X mat.Matrix, n, p int) (g gramX, exp int, zero, ok bool, err error) {
	rm, isRaw := X.(mat.RawMatrixer)
	if !isRaw {
		return gramX{}, 0, false, false, nil
	}
	a := rm.RawMatrix()
	if a.Rows != n || a.Cols != p || a.Stride < p || len(a.Data) < (n-1)*a.Stride+p {
		return gramX{}, 0, false, false, nil
	}
	maxAbs, minAbs := 0.0, math.Inf(1)
	for i := 0; i < n; i++ {
		row := a.Data[i*a.Stride : i*a.Stride+p]
		hi, lo, bad := rangeFinite(row)
		if bad >= 0 {
			return gramX{}, 0, false, false, refusal(name, ErrNotFinite, "%s[%d,%d] = %v", what, i, bad, row[bad])
		}
		maxAbs, minAbs = max(maxAbs, hi), min(minAbs, lo)
	}
	if maxAbs == 0 {
		return gramX{x: a, alpha: 1}, 0, true, true, nil
	}
	_, exp = math.Frexp(maxAbs)
	if exp < -viewMaxExp || exp > viewMaxExp || minAbs < math.Ldexp(1, viewMinExp) {
		return gramX{}, 0, false, false, nil
	}
	return gramX{x: a, alpha: math.Ldexp(1, -exp)}, exp, false, true, nil
}

// rangeFinite returns the largest and the smallest non-zero |v_i| (+Inf
// when there is none) and the index of the first entry that is NaN or
// infinite, or -1 when all are finite.
func rangeFinite(v []float64) (maxAbs, minAbs float64, bad int) {
	hi, lo := absBitsRange(v)
	if hi >= infBits {
		return 0, 0, firstNotFinite(v)
	}
	minAbs = math.Inf(1)
	if lo != math.MaxUint64 {
		minAbs = math.Float64frombits(lo + 1)
	}
	return math.Float64frombits(hi), minAbs, -1
}

// maxAbsFinite returns max|v_i| and the index of the first entry of v that
// is NaN or infinite, or -1 when all are finite.
func maxAbsFinite(v []float64) (maxAbs float64, bad int) {
	hi, _ := absBitsRange(v)
	if hi >= infBits {
		return 0, firstNotFinite(v)
	}
	return math.Float64frombits(hi), -1
}

// infBits is the bit pattern of +Inf: the bits of |x| are at least this
// exactly when x is infinite or NaN.
const infBits = 0x7ff0000000000000

// absBitsRange returns the largest bit pattern of |v_i| and the smallest of
// |v_i| − 1 over the non-zero v_i (math.MaxUint64 when there is none; |0| − 1
// wraps round to it). For non-negative floats the order of the bit patterns
// is the order of the values, so one branch-free pass over v (two
// independent chains of unsigned max and min) finds the largest and the
// smallest non-zero magnitude; NaNs have patterns above infBits.
func absBitsRange(v []float64) (hi, lo uint64) {
	const mask = 1<<63 - 1
	var hi0, hi1 uint64
	lo0, lo1 := uint64(math.MaxUint64), uint64(math.MaxUint64)
	i := 0
	for ; i+2 <= len(v); i += 2 {
		a := math.Float64bits(v[i]) & mask
		b := math.Float64bits(v[i+1]) & mask
		hi0, lo0 = max(hi0, a), min(lo0, a-1)
		hi1, lo1 = max(hi1, b), min(lo1, b-1)
	}
	if i < len(v) {
		a := math.Float64bits(v[i]) & mask
		hi0, lo0 = max(hi0, a), min(lo0, a-1)
	}
	return max(hi0, hi1), min(lo0, lo1)
}

// firstNotFinite returns the index of the first NaN or infinite entry of v,
// or -1.
func firstNotFinite(v []float64) int {
	for i, x := range v {
		if !(math.Abs(x) <= math.MaxFloat64) {
			return i
		}
	}
	return -1
}

// ldexpAll sets v_i = math.Ldexp(v_i, exp) for every i, bit for bit, and
// returns the index of the first non-finite result, or -1.
//
// Multiplying by the power of two 2^exp is exact, and so equals Ldexp, when
// both 2^exp and the product are normal numbers; a zero stays the same zero.
// Only a product that is subnormal, underflows to zero or overflows (rare:
// scaled data are near unit size) is recomputed with Ldexp, which rounds a
// subnormal result correctly. When 2^exp itself is not normal every entry
// goes through Ldexp.
func ldexpAll(v []float64, exp int) int {
	bad := -1
	if exp < -1022 || exp > 1023 {
		for i, x := range v {
			r := math.Ldexp(x, exp)
			if bad < 0 && !(math.Abs(r) <= math.MaxFloat64) {
				bad = i
			}
			v[i] = r
		}
		return bad
	}
	f := math.Float64frombits(uint64(exp+1023) << 52) // 2^exp
	for i, x := range v {
		r := x * f
		if a := math.Abs(r); !(a >= 0x1p-1022 && a <= math.MaxFloat64) && x != 0 {
			r = math.Ldexp(x, exp)
			if bad < 0 && !(math.Abs(r) <= math.MaxFloat64) {
				bad = i
			}
		}
		v[i] = r
	}
	return bad
}

// solveScaled runs the shared pipeline for one right-hand side. For ridge
// solvers isRidge is true and lambda is the caller's penalty, validated here.
func solveScaled(name string, cfg *config, isRidge bool, lambda float64, X mat.Matrix, y mat.Vector, core coreFunc) (*mat.VecDense, Report, error) {
	return solveTask(name, cfg, isRidge, lambda, X, y, core, false)
}

// solveReadOnly is solveScaled for a core that only reads X, through
// products that take its power-of-two scale as their scalar (the Krylov and
// gradient solvers through lsProblem, "ridge-chol" and "ridge-dual" through
// their Gram matrix): when viewScaled accepts X the core gets the caller's
// storage in t.view and t.X is nil, which saves the private copy (for a
// 2000×1000 X about 19 of LSQR's 51 ms, and 10 of ridge-chol's 75) and
// gives the same bits. Such a core reads X through t.gram().
func solveReadOnly(name string, cfg *config, isRidge bool, lambda float64, X mat.Matrix, y mat.Vector, core coreFunc) (*mat.VecDense, Report, error) {
	return solveTask(name, cfg, isRidge, lambda, X, y, core, true)
}

func solveTask(name string, cfg *config, isRidge bool, lambda float64, X mat.Matrix, y mat.Vector, core coreFunc, readOnly bool) (*mat.VecDense, Report, error) {
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
	var sx scaled
	var view *gramX
	if readOnly {
		g, exp, zero, ok, err := viewScaled(name, "X", X, n, p)
		if err != nil {
			return nil, Report{}, err
		}
		if ok {
			sx, view = scaled{exp: exp, zero: zero}, &g
		}
	}
	if view == nil {
		sx, err = scaleCopy(name, "X", X, n, p)
		if err != nil {
			return nil, Report{}, err
		}
	}
	sy, err := scaleCopy(name, "y", y, n, 1)
	if err != nil {
		return nil, Report{}, err
	}
	t := &task{X: sx.X, view: view, y: mat.NewVecDense(n, sy.X.RawMatrix().Data), cfg: cfg}
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
	out.CopyVec(w)
	data := out.RawVector().Data
	if i := ldexpAll(data, sy.exp-sx.exp); i >= 0 {
		return nil, rep, refusal(name, ErrIllConditioned, "solution is not representable (w[%d] = %v)", i, data[i])
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
	a := A.RawMatrix()
	for i := 0; i < a.Rows; i++ {
		row := a.Data[i*a.Stride : i*a.Stride+a.Cols]
		if j := ldexpAll(row, exp); j >= 0 {
			return refusal(name, ErrIllConditioned, "result is not representable (entry [%d,%d] = %v)", i, j, row[j])
		}
	}
	return nil
}
