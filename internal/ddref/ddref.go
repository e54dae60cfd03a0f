// Package ddref computes reference solutions for measuring forward error:
// X⁺y and the ridge solution w_λ, refined in double-double arithmetic far
// beyond the accuracy of any float64 solver. bench and bench/sweep share it.
//
// A forward-error figure is only as good as its reference, and the best
// float64 solvers reach about κ·u, so the reference must be far more
// accurate than that. It is computed by iterative refinement in double-double
// arithmetic (about 106 bits) of an augmented system that characterises the
// answer exactly (Björck 1967, "Iterative refinement of linear least squares
// solutions I", BIT 7; Higham 2002, "Accuracy and Stability of Numerical
// Algorithms", §20.5):
//
//	least squares and ridge (n ≥ p, or λ > 0), unknowns r (n) and w (p):
//	    r + X·w = y,    Xᵀ·r − λ·w = 0;
//	minimum norm, p > n (X of full row rank), unknowns w (p) and a (n):
//	    w − Xᵀ·a = 0,   X·w = y.
//
// Each step computes the residuals of these equations in double-double
// (error-free products with math.FMA, error-free sums; Ogita, Rump, Oishi
// 2005, "Accurate sum and dot product", SIAM J. Sci. Comput. 26) from the
// double-double iterate, solves the correction system in float64 with the
// thin SVD X = U·Σ·Vᵀ, and adds the correction in double-double. Because the
// residuals are exact to about u², each step shrinks the error by a factor of
// about c·κ·u for a consistent problem and the iteration stagnates at about
// κ·n·u² relative error, below u/10⁵ for κ < 10¹² (measured: 10⁻²³ at
// κ = 10¹⁰). For an inconsistent problem the contraction factor and the floor
// grow to about κ²·u·‖r‖/(‖X‖‖w‖) and κ²·u²·‖r‖/(‖X‖‖w‖): fine for the
// Gaussian and Harwell–Boeing instances (κ ≤ 10⁵), not for κ = 10¹⁰ with a
// large residual. The last correction's relative size is kept as the
// reference's accuracy estimate; a reference whose estimate exceeds
// AccuracyLimit = u/64 (or whose X is numerically rank-deficient for the
// min-norm problem) is refused with an error wrapping ErrNoReference. The
// tests check the result against exact rational arithmetic (math/big) on
// small integer problems, including ill-conditioned ones (κ up to about
// 10⁹), and against planted solutions.
//
// The stored X and y define the problem: the reference is X⁺y (or w_λ) of
// the float64 data exactly as the solvers see them.
package ddref

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// u is the unit roundoff of float64, 2⁻⁵³.
const u = 0x1p-53

// AccuracyLimit is the largest accuracy estimate a reference may have to
// be used: 64 times more accurate than the best a float64 answer can be.
const AccuracyLimit = u / 64

// ErrNoReference says why a reference could not be computed to the required
// accuracy.
var ErrNoReference = errors.New("no reference")

// ddVec is a vector in double-double arithmetic: element i is hi[i] + lo[i]
// with |lo[i]| ≤ ulp(hi[i])/2.
type ddVec struct{ hi, lo []float64 }

func newDDVec(n int) ddVec { return ddVec{hi: make([]float64, n), lo: make([]float64, n)} }

// twoSum returns s = fl(a + b) and the exact error e = a + b − s (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// fastTwoSum is twoSum for |a| ≥ |b| (Dekker).
func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p = fl(a·b) and the exact error e = a·b − p.
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	return p, math.FMA(a, b, -p)
}

// dd is a double-double accumulator.
type dd struct{ hi, lo float64 }

// addProd adds x·(h + l) to d, the product x·h exactly and x·l (already
// about u times smaller) in float64.
func (d *dd) addProd(x, h, l float64) {
	p, pe := twoProd(x, h)
	s, e := twoSum(d.hi, p)
	e += d.lo + pe + x*l
	d.hi, d.lo = fastTwoSum(s, e)
}

// add adds h + l to d.
func (d *dd) add(h, l float64) {
	s, e := twoSum(d.hi, h)
	e += d.lo + l
	d.hi, d.lo = fastTwoSum(s, e)
}

// mulDD returns X·w in double-double, X n×p, w of length p.
func mulDD(X *mat.Dense, w ddVec) []dd {
	n, p := X.Dims()
	raw := X.RawMatrix()
	out := make([]dd, n)
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		var a dd
		for j, x := range row {
			a.addProd(x, w.hi[j], w.lo[j])
		}
		out[i] = a
	}
	return out
}

// mulTDD returns Xᵀ·r in double-double, X n×p, r of length n.
func mulTDD(X *mat.Dense, r ddVec) []dd {
	n, p := X.Dims()
	raw := X.RawMatrix()
	out := make([]dd, p)
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		h, l := r.hi[i], r.lo[i]
		for j, x := range row {
			out[j].addProd(x, h, l)
		}
	}
	return out
}

// addCorrection adds the float64 vector d to v in double-double.
func (v ddVec) addCorrection(d []float64) {
	for i, x := range d {
		s, e := twoSum(v.hi[i], x)
		e += v.lo[i]
		v.hi[i], v.lo[i] = fastTwoSum(s, e)
	}
}

// Reference is a refined solution and what was learnt computing it.
type Reference struct {
	w        ddVec   // the solution, in double-double
	Accuracy float64 // estimated relative error ‖w − w_exact‖/‖w_exact‖
	Steps    int     // refinement steps taken
}

// Float64 returns the reference rounded to float64.
func (r *Reference) Float64() []float64 {
	out := make([]float64, len(r.w.hi))
	for i := range out {
		out[i] = r.w.hi[i] + r.w.lo[i]
	}
	return out
}

// DoubleDouble returns the reference's two parts, w = hi + lo elementwise
// with |lo| ≤ ulp(hi)/2. The slices are the reference's own: read, do not
// modify.
func (r *Reference) DoubleDouble() (hi, lo []float64) { return r.w.hi, r.w.lo }

// SVD is the thin SVD X = U·diag(S)·Vᵀ with U n×k, V p×k, k = min(n, p),
// S descending. U and V are nil when only the singular values were computed.
type SVD struct {
	U, V *mat.Dense
	S    []float64
}

// Factor returns the thin SVD of X computed by gonum (LAPACK's Dgesvd).
func Factor(X mat.Matrix) (*SVD, error) {
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThin) {
		return nil, errors.New("reference: SVD did not converge")
	}
	var U, V mat.Dense
	svd.UTo(&U)
	svd.VTo(&V)
	return &SVD{U: &U, V: &V, S: svd.Values(nil)}, nil
}

// SingularValues returns the SVD without U and V, which costs a fraction
// of the full factorization on large matrices; it serves κ and σ_max only,
// not MinNorm or Ridge.
func SingularValues(X mat.Matrix) (*SVD, error) {
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDNone) {
		return nil, errors.New("reference: SVD did not converge")
	}
	return &SVD{S: svd.Values(nil)}, nil
}

// Cond returns σ_max/σ_min over the min(n, p) singular values (+Inf when
// σ_min = 0).
func (s *SVD) Cond() float64 { return s.S[0] / s.S[len(s.S)-1] }

// MinNorm returns X⁺y refined in double-double, from the thin SVD svd of X
// (Factor). X must have full rank min(n, p) numerically
// (σ_min > max(n, p)·u·σ_max).
func MinNorm(X *mat.Dense, y []float64, svd *SVD) (*Reference, error) {
	n, p := X.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("reference: len(y) = %d, X has %d rows", len(y), n)
	}
	if svd.S[len(svd.S)-1] <= float64(max(n, p))*u*svd.S[0] {
		return nil, fmt.Errorf("%w: X is numerically rank-deficient (κ = %.3g)", ErrNoReference, svd.Cond())
	}
	if n >= p {
		return lsReference(X, y, 0, svd)
	}
	return wideReference(X, y, svd)
}

// Ridge returns w_λ = (XᵀX + λI)⁻¹Xᵀy refined in double-double, for λ > 0
// (any X) or λ = 0 with n ≥ p, from the thin SVD svd of X (Factor).
func Ridge(X *mat.Dense, y []float64, lambda float64, svd *SVD) (*Reference, error) {
	n, p := X.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("reference: len(y) = %d, X has %d rows", len(y), n)
	}
	if !(lambda > 0) && n < p {
		return nil, fmt.Errorf("%w: ridge reference needs λ > 0 when p > n", ErrNoReference)
	}
	return lsReference(X, y, lambda, svd)
}

// refine runs correction steps until the correction stops shrinking, and
// returns the accuracy estimate and the number of steps.
func refine(step func() (dwNorm, wNorm float64)) (accuracy float64, steps int) {
	const maxSteps = 40
	prev := math.Inf(1)
	for steps = 1; steps <= maxSteps; steps++ {
		dw, w := step()
		rel := dw / w
		if w == 0 {
			rel = dw
		}
		accuracy = rel
		converged := rel <= u*u
		// Stagnated at the floor set by the rounding of the residuals, far
		// below what is needed, or no longer contracting at all.
		stagnated := steps >= 3 && rel > prev/2 && rel < AccuracyLimit*1e-3
		diverging := steps >= 3 && rel >= prev
		if converged || stagnated || diverging {
			break
		}
		prev = rel
	}
	return accuracy, steps
}

// lsReference refines the augmented system r + X·w = y, Xᵀr − λw = 0.
func lsReference(X *mat.Dense, y []float64, lambda float64, svd *SVD) (*Reference, error) {
	n, p := X.Dims()
	k := len(svd.S)
	w, r := newDDVec(p), newDDVec(n)
	f := mat.NewVecDense(n, nil)
	g := mat.NewVecDense(p, nil)
	t := mat.NewVecDense(k, nil)
	tg := mat.NewVecDense(k, nil)
	dw := mat.NewVecDense(p, nil)
	dr := mat.NewVecDense(n, nil)
	step := func() (float64, float64) {
		// f = y − r − X·w and g = λ·w − Xᵀ·r, in double-double.
		xw := mulDD(X, w)
		for i := 0; i < n; i++ {
			a := dd{hi: y[i]}
			a.add(-r.hi[i], -r.lo[i])
			a.add(-xw[i].hi, -xw[i].lo)
			f.SetVec(i, a.hi)
		}
		xr := mulTDD(X, r)
		for j := 0; j < p; j++ {
			var a dd
			a.addProd(lambda, w.hi[j], w.lo[j])
			a.add(-xr[j].hi, -xr[j].lo)
			g.SetVec(j, a.hi)
		}
		// dw = (XᵀX + λI)⁻¹(Xᵀf − g)
		//    = V·(Σ² + λ)⁻¹(Σ·Uᵀf − Vᵀg) − (I − VVᵀ)g/λ,
		// the last term only when p > n (then λ > 0); dr = f − X·dw.
		t.MulVec(svd.U.T(), f)
		tg.MulVec(svd.V.T(), g)
		for i := 0; i < k; i++ {
			s := svd.S[i]
			t.SetVec(i, (s*t.AtVec(i)-tg.AtVec(i))/(s*s+lambda))
		}
		dw.MulVec(svd.V, t)
		if p > k {
			var vg mat.VecDense
			vg.MulVec(svd.V, tg)
			for j := 0; j < p; j++ {
				dw.SetVec(j, dw.AtVec(j)-(g.AtVec(j)-vg.AtVec(j))/lambda)
			}
		}
		dr.MulVec(X, dw)
		dr.SubVec(f, dr)
		w.addCorrection(dw.RawVector().Data)
		r.addCorrection(dr.RawVector().Data)
		return mat.Norm(dw, 2), norm2(w.hi)
	}
	acc, steps := refine(step)
	return checked(&Reference{w: w, Accuracy: acc, Steps: steps})
}

// wideReference refines w − Xᵀa = 0, X·w = y for p > n.
func wideReference(X *mat.Dense, y []float64, svd *SVD) (*Reference, error) {
	n, p := X.Dims()
	k := len(svd.S)
	w, a := newDDVec(p), newDDVec(n)
	f := mat.NewVecDense(p, nil)
	g := mat.NewVecDense(n, nil)
	tf := mat.NewVecDense(k, nil)
	tg := mat.NewVecDense(k, nil)
	c := mat.NewVecDense(k, nil)
	dw := mat.NewVecDense(p, nil)
	da := mat.NewVecDense(n, nil)
	step := func() (float64, float64) {
		// f = Xᵀa − w and g = y − X·w, in double-double.
		xa := mulTDD(X, a)
		for j := 0; j < p; j++ {
			s := xa[j]
			s.add(-w.hi[j], -w.lo[j])
			f.SetVec(j, s.hi)
		}
		xw := mulDD(X, w)
		for i := 0; i < n; i++ {
			s := dd{hi: y[i]}
			s.add(-xw[i].hi, -xw[i].lo)
			g.SetVec(i, s.hi)
		}
		// With c = Σ⁻¹·Uᵀg − Vᵀf: dw = (I − VVᵀ)f + V·Σ⁻¹·Uᵀg = f + V·c and
		// da = (XXᵀ)⁻¹(g − X·f) = U·Σ⁻¹·c.
		tf.MulVec(svd.V.T(), f)
		tg.MulVec(svd.U.T(), g)
		for i := 0; i < k; i++ {
			s := svd.S[i]
			c.SetVec(i, tg.AtVec(i)/s-tf.AtVec(i))
			tf.SetVec(i, c.AtVec(i)/s)
		}
		dw.MulVec(svd.V, c)
		dw.AddVec(dw, f)
		da.MulVec(svd.U, tf)
		w.addCorrection(dw.RawVector().Data)
		a.addCorrection(da.RawVector().Data)
		return mat.Norm(dw, 2), norm2(w.hi)
	}
	acc, steps := refine(step)
	return checked(&Reference{w: w, Accuracy: acc, Steps: steps})
}

func checked(ref *Reference) (*Reference, error) {
	if !(ref.Accuracy <= AccuracyLimit) {
		return nil, fmt.Errorf("%w: refinement reached only %.3g relative accuracy after %d steps (need ≤ %.3g)",
			ErrNoReference, ref.Accuracy, ref.Steps, AccuracyLimit)
	}
	return ref, nil
}

// norm2 returns the Euclidean norm of x.
func norm2(x []float64) float64 { return mat.Norm(mat.NewVecDense(len(x), x), 2) }

// ForwardError returns ‖w − ref‖₂/‖ref‖₂, with the difference taken against
// the double-double reference so that the rounding of the reference to
// float64 does not enter the figure.
func ForwardError(w []float64, ref *Reference) float64 {
	var num, den float64
	for i, x := range w {
		d := (x - ref.w.hi[i]) - ref.w.lo[i]
		num += d * d
		den += ref.w.hi[i] * ref.w.hi[i]
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// NormalEquationError returns the scaled normal-equation residual of w,
//
//	η = ‖Xᵀr − λw‖₂ / (σ_max·(σ_max·‖w‖₂ + ‖r‖₂) + λ‖w‖₂),  r = y − X·w,
//
// with r and Xᵀr computed in double-double so that the evaluation itself adds
// only about u² error. A backward-stable solver gives η of order u: its w is
// the exact answer for X + E with ‖E‖ ≈ u‖X‖, and then
// Xᵀr − λw = Eᵀr + XᵀE·w (Higham 2002, §20.5). λ = 0 for min-norm.
func NormalEquationError(X *mat.Dense, y []float64, w []float64, lambda, sigmaMax float64) float64 {
	n, p := X.Dims()
	wv := ddVec{hi: w, lo: make([]float64, p)}
	xw := mulDD(X, wv)
	r := newDDVec(n)
	for i := 0; i < n; i++ {
		a := dd{hi: y[i]}
		a.add(-xw[i].hi, -xw[i].lo)
		r.hi[i], r.lo[i] = a.hi, a.lo
	}
	xr := mulTDD(X, r)
	var num float64
	for j := 0; j < p; j++ {
		a := xr[j]
		a.addProd(-lambda, w[j], 0)
		num += a.hi * a.hi
	}
	wn, rn := norm2(w), norm2(r.hi)
	return math.Sqrt(num) / (sigmaMax*(sigmaMax*wn+rn) + lambda*wn)
}
