package props

import (
	"fmt"
	"math"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// Reference solvers written here, independently of package solvers, from
// gonum's SVD and a plain gradient-descent loop. The suite must pass on them
// (so its tolerances are not too tight) and fail on the planted bugs built
// from them (planted_test.go).

// refInput validates and scales X and y by powers of two like the solvers
// contract asks: ErrShape for nil, empty or mismatched, ErrNotFinite for
// NaN/Inf. It returns dense copies with max|X| and max|y| in [½, 1) and the
// exponents.
func refInput(name string, X mat.Matrix, y mat.Vector) (*mat.Dense, *mat.VecDense, int, int, error) {
	if isNil(X) || isNil(y) {
		return nil, nil, 0, 0, fmt.Errorf("%s: %w: nil input", name, solvers.ErrShape)
	}
	n, p := X.Dims()
	if n == 0 || p == 0 || y.Len() != n {
		return nil, nil, 0, 0, fmt.Errorf("%s: %w: %d×%d and len(y) = %d", name, solvers.ErrShape, n, p, y.Len())
	}
	if !allFinite(X, y) {
		return nil, nil, 0, 0, fmt.Errorf("%s: %w", name, solvers.ErrNotFinite)
	}
	Xd := mat.DenseCopyOf(X)
	yd := mat.VecDenseCopyOf(y)
	ex, ey := 0, 0
	if m := mat.Norm(Xd, math.Inf(1)); m > 0 {
		_, ex = math.Frexp(maxAbs(Xd.RawMatrix().Data))
		Xd.Scale(math.Ldexp(1, -ex), Xd)
	}
	if m := maxAbs(yd.RawVector().Data); m > 0 {
		_, ey = math.Frexp(m)
		yd.ScaleVec(math.Ldexp(1, -ey), yd)
	}
	return Xd, yd, ex, ey, nil
}

func maxAbs(d []float64) float64 {
	m := 0.0
	for _, v := range d {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// unscaleRef returns 2^e·w, or ErrIllConditioned when it overflows.
func unscaleRef(name string, w *mat.VecDense, e int) (*mat.VecDense, error) {
	for i := 0; i < w.Len(); i++ {
		v := math.Ldexp(w.AtVec(i), e)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %w: overflow", name, solvers.ErrIllConditioned)
		}
		w.SetVec(i, v)
	}
	return w, nil
}

// refSVD is the reference min-norm solver: gonum's thin SVD truncated at
// max(n, p)·u·σ₁ (numpy's cut-off), w = V·Σ⁺·Uᵀy.
type refSVD struct{}

func (refSVD) Name() string { return "ref-svd" }

func (refSVD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	return refFilter("ref-svd", X, y, 0, func(s float64) float64 { return 1 / s })
}

func (refSVD) Pinv(X mat.Matrix) (*mat.Dense, error) {
	n, p := 0, 0
	if !isNil(X) {
		n, p = X.Dims()
	}
	if n == 0 || p == 0 {
		return nil, fmt.Errorf("ref-svd: %w", solvers.ErrShape)
	}
	Xd, _, ex, _, err := refInput("ref-svd", X, mat.NewVecDense(n, nil))
	if err != nil {
		return nil, err
	}
	P := mat.NewDense(p, n, nil)
	svd, k := refFactor(Xd)
	if k == 0 {
		return P, nil
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	s := svd.Values(nil)
	for i := 0; i < k; i++ {
		var outer mat.Dense
		outer.Outer(math.Ldexp(1/s[i], -ex), v.ColView(i), u.ColView(i))
		P.Add(P, &outer)
	}
	return P, nil
}

// refFactor returns the SVD of X and its numerical rank.
func refFactor(X *mat.Dense) (*mat.SVD, int) {
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThin) {
		panic("gonum SVD failed")
	}
	n, p := X.Dims()
	s := svd.Values(nil)
	k := 0
	for _, v := range s {
		if v > float64(max(n, p))*unitRoundoff*s[0] {
			k++
		}
	}
	return &svd, k
}

// refFilter returns V·diag(filter(σ_i))·Uᵀy over the numerical rank, for the
// scaled problem; lambdaScaled is unused by the filter but documents ridge.
func refFilter(name string, X mat.Matrix, y mat.Vector, _ float64, filter func(s float64) float64) (*mat.VecDense, error) {
	Xd, yd, ex, ey, err := refInput(name, X, y)
	if err != nil {
		return nil, err
	}
	_, p := Xd.Dims()
	w := mat.NewVecDense(p, nil)
	svd, k := refFactor(Xd)
	if k == 0 {
		return w, nil
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	s := svd.Values(nil)
	for i := 0; i < k; i++ {
		w.AddScaledVec(w, mat.Dot(u.ColView(i), yd)*filter(s[i]), v.ColView(i))
	}
	return unscaleRef(name, w, ey-ex)
}

// refRidge is the reference ridge solver: V·diag(σ/(σ² + λ))·Uᵀy from
// gonum's SVD.
type refRidge struct{ lambda float64 }

func (refRidge) Name() string { return "ref-ridge" }

func (r refRidge) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	if !validLambda(r.lambda) {
		return nil, fmt.Errorf("ref-ridge: %w: λ = %v", solvers.ErrBadParameter, r.lambda)
	}
	if _, _, _, _, err := refInput("ref-ridge", X, y); err != nil {
		return nil, err
	}
	_, ex := math.Frexp(maxAbs(mat.DenseCopyOf(X).RawMatrix().Data))
	l := math.Ldexp(r.lambda, -2*ex) // λ for X scaled by 2^-ex
	if math.IsInf(l, 0) {
		return nil, fmt.Errorf("ref-ridge: %w: λ overflows", solvers.ErrBadParameter)
	}
	return refFilter("ref-ridge", X, y, l, func(s float64) float64 { return s / (s*s + l) })
}

// refGD is reference gradient descent on ½‖Xw − y‖² from w₀ (zero when
// nil), step 1/σ₁² (σ₁ from gonum's SVD), stopping when
// ‖Xᵀr‖ ≤ tol·‖X‖·‖r‖ or ‖r‖ ≤ tol·(‖y‖ + ‖X‖‖w‖), with tol = 10⁻¹⁰ and
// a cap of 20000 steps (then ErrNotConverged); it refuses up front when
// tol·κ² > 10⁻⁴ (κ from the SVD), where its rule cannot vouch for the
// answer, and when κ²·ln(1/tol) exceeds the cap.
type refGD struct{ w0 mat.Vector }

const (
	refGDTol = 1e-10
	refGDCap = 20000
)

func (refGD) Name() string { return "ref-gd" }

func (g refGD) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	Xd, yd, ex, ey, err := refInput("ref-gd", X, y)
	if err != nil {
		return nil, err
	}
	_, p := Xd.Dims()
	w := mat.NewVecDense(p, nil)
	if g.w0 != nil {
		w.ScaleVec(math.Ldexp(1, ex-ey), g.w0)
	}
	svd, k := refFactor(Xd)
	if k == 0 {
		return unscaleRef("ref-gd", w, ey-ex)
	}
	sv := svd.Values(nil)
	s1 := sv[0]
	kappa := s1 / sv[k-1]
	if refGDTol*kappa*kappa > 1e-4 {
		// An honest method refuses where its stopping rule cannot vouch
		// for the answer: the forward error can reach tol·κ².
		return nil, fmt.Errorf("ref-gd: %w: κ = %.3g", solvers.ErrIllConditioned, kappa)
	}
	if kappa*kappa*math.Log(1/refGDTol) > refGDCap {
		// GD needs about κ²·ln(1/tol) steps (theory.md): say so now
		// rather than after refGDCap steps.
		return nil, fmt.Errorf("ref-gd: %w: κ = %.3g needs more than %d steps", solvers.ErrNotConverged, kappa, refGDCap)
	}
	eta := 1 / (s1 * s1)
	r := mat.NewVecDense(yd.Len(), nil)
	grad := mat.NewVecDense(p, nil)
	for it := 0; it < refGDCap; it++ {
		r.MulVec(Xd, w)
		r.SubVec(yd, r)
		grad.MulVec(Xd.T(), r)
		rn := norm2(r)
		if norm2(grad) <= refGDTol*s1*rn || rn <= refGDTol*(norm2(yd)+s1*norm2(w)) {
			return unscaleRef("ref-gd", w, ey-ex)
		}
		w.AddScaledVec(w, eta, grad)
	}
	return nil, fmt.Errorf("ref-gd: %w", solvers.ErrNotConverged)
}

// refGDClaim is refGD's accuracy claim: its stopping tolerance.
var refGDClaim = Accuracy{Eps: refGDTol}
