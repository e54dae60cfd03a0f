package sweep

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The forward errors in the report are measured against a reference more
// accurate than any solver measured: X⁺y refined in double-double arithmetic
// (about 106 bits) from gonum's float64 SVD. The stored X and y are the exact
// problem; the reference is its min-norm solution to within a few units of
// u = 2⁻⁵³ (relative, normwise), whereas a backward-stable solver is accurate
// only to about κ·u. The tests check the refinement against exact rational
// arithmetic (math/big).
//
// The refinement works on the augmented system of a tall m×k matrix A of full
// column rank (Björck 1967, "Iterative refinement of linear least squares
// solutions I"; Björck 1996, "Numerical Methods for Least Squares Problems",
// §2.9):
//
//	r + A·x = b
//	Aᵀ·r    = c
//
// For n ≥ p, A = X, b = y, c = 0: x is the least-squares solution w* and r
// the residual. For n < p, A = Xᵀ, b = 0, c = y: r = −Xᵀx lies in the row
// space of X and X·r = y, so r = w* = X⁺y. Each step computes the residuals
// f = b − r − A·x and g = c − Aᵀ·r with double-double accumulation of every
// product (Ogita, Rump & Oishi 2005, "Accurate sum and dot product", Dot2),
// solves the correction system in float64 with A = U·diag(σ)·Vᵀ,
//
//	a  = Σ⁻¹·Vᵀ·g,  h = Uᵀ·f,
//	Δr = f + U·(a − h),  Δx = V·Σ⁻¹·(h − a),
//
// and adds the corrections to r and x held as double-double vectors. The
// correction solve is backward stable, so each step shrinks the error by a
// factor of about κ²·u; the refinement converges while that is well below 1.

// errReferenceNotConverged is returned when the refinement stalls (X rank
// deficient or too ill-conditioned for a float64 SVD to drive it).
var errReferenceNotConverged = errors.New("sweep: reference refinement did not converge")

// thinSVD is X = U·diag(S)·Vᵀ with U n×k, V p×k, k = min(n, p), S largest first.
type thinSVD struct {
	U, V *mat.Dense
	S    []float64
}

// factorThin returns the thin SVD of X computed by gonum (LAPACK's Dgesvd).
func factorThin(X mat.Matrix) (thinSVD, error) {
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThin) {
		return thinSVD{}, errors.New("sweep: SVD did not converge")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	return thinSVD{U: &u, V: &v, S: svd.Values(nil)}, nil
}

// cond returns σ_max/σ_min over the min(n, p) singular values.
func (s thinSVD) cond() float64 { return s.S[0] / s.S[len(s.S)-1] }

// ddVec is a vector of double-double numbers hi + lo, |lo| ≤ ulp(hi)/2.
type ddVec struct{ hi, lo []float64 }

func newDDVec(n int) ddVec { return ddVec{hi: make([]float64, n), lo: make([]float64, n)} }

// add adds the float64 vector d to v in double-double.
func (v ddVec) add(d []float64) {
	for i, di := range d {
		s, e := twoSum(v.hi[i], di)
		v.hi[i], v.lo[i] = fastTwoSum(s, v.lo[i]+e)
	}
}

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

// dot2 accumulates Σ products in double-double (Ogita–Rump–Oishi Dot2): the
// exact product error comes from a fused multiply-add.
type dot2 struct{ hi, lo float64 }

func (d *dot2) addProd(a, b float64) {
	p := a * b
	pe := math.FMA(a, b, -p)
	s, e := twoSum(d.hi, p)
	d.hi, d.lo = s, d.lo+e+pe
}

func (d *dot2) add(a float64) {
	s, e := twoSum(d.hi, a)
	d.hi, d.lo = s, d.lo+e
}

func (d *dot2) value() float64 { return d.hi + d.lo }

// minNormReference returns X⁺y for the n×p matrix X of full rank min(n, p),
// refined in double-double as described above, from the thin SVD f of X. It
// returns errReferenceNotConverged when the corrections do not fall below
// 2⁻⁶⁰·‖w‖ within maxRefine steps.
func minNormReference(X *mat.Dense, y []float64, f thinSVD) ([]float64, error) {
	n, p := X.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("sweep: reference: len(y) = %d, X has %d rows", len(y), n)
	}
	for _, s := range f.S {
		if !(s > 0) {
			return nil, fmt.Errorf("%w: X is rank deficient", errReferenceNotConverged)
		}
	}
	tall := n >= p
	m, k := n, p // A is m×k
	Ua, Va := f.U, f.V
	if !tall {
		m, k = p, n
		Ua, Va = f.V, f.U
	}
	raw := X.RawMatrix()
	// mulA computes out[i] += sign·(A·v)[i] and mulAT out[j] += sign·(Aᵀ·v)[j]
	// into double-double accumulators, for v = hi + lo.
	mulX := func(acc []dot2, v ddVec) { // acc (length n) −= X·v
		for i := 0; i < n; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+p]
			for j, xij := range row {
				acc[i].addProd(-xij, v.hi[j])
				acc[i].lo -= xij * v.lo[j]
			}
		}
	}
	mulXT := func(acc []dot2, v ddVec) { // acc (length p) −= Xᵀ·v
		for i := 0; i < n; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+p]
			vh, vl := v.hi[i], v.lo[i]
			for j, xij := range row {
				acc[j].addProd(-xij, vh)
				acc[j].lo -= xij * vl
			}
		}
	}
	mulA, mulAT := mulX, mulXT
	if !tall {
		mulA, mulAT = mulXT, mulX
	}
	r, x := newDDVec(m), newDDVec(k)
	fAcc, gAcc := make([]dot2, m), make([]dot2, k)
	fv, gv := make([]float64, m), make([]float64, k)
	h, a := make([]float64, k), make([]float64, k)
	dr, dx := make([]float64, m), make([]float64, k)
	const maxRefine = 10
	for it := 0; it < maxRefine; it++ {
		// f = b − r − A·x, g = c − Aᵀ·r.
		for i := range fAcc {
			fAcc[i] = dot2{}
			if tall {
				fAcc[i].add(y[i])
			}
			fAcc[i].add(-r.hi[i])
			fAcc[i].lo -= r.lo[i]
		}
		for j := range gAcc {
			gAcc[j] = dot2{}
			if !tall {
				gAcc[j].add(y[j])
			}
		}
		mulA(fAcc, x)
		mulAT(gAcc, r)
		for i := range fv {
			fv[i] = fAcc[i].value()
		}
		for j := range gv {
			gv[j] = gAcc[j].value()
		}
		// a = Σ⁻¹·Vᵀ·g, h = Uᵀ·f.
		mat.NewVecDense(k, a).MulVec(Va.T(), mat.NewVecDense(k, gv))
		mat.NewVecDense(k, h).MulVec(Ua.T(), mat.NewVecDense(m, fv))
		for j := range a {
			a[j] /= f.S[j]
			h[j] -= a[j] // h − a
		}
		// Δr = f − U·(h − a), Δx = V·Σ⁻¹·(h − a).
		mat.NewVecDense(m, dr).MulVec(Ua, mat.NewVecDense(k, h))
		for i := range dr {
			dr[i] = fv[i] - dr[i]
		}
		for j := range h {
			h[j] /= f.S[j]
		}
		mat.NewVecDense(k, dx).MulVec(Va, mat.NewVecDense(k, h))
		r.add(dr)
		x.add(dx)
		w, dw := x.hi, dx
		if !tall {
			w, dw = r.hi, dr
		}
		nw, ndw := floatsNorm(w), floatsNorm(dw)
		if ndw <= 0x1p-60*nw || nw == 0 {
			out := make([]float64, p)
			for j := range out {
				if tall {
					out[j] = x.hi[j] + x.lo[j]
				} else {
					out[j] = r.hi[j] + r.lo[j]
				}
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w after %d steps (κ = %.3g)", errReferenceNotConverged, maxRefine, f.cond())
}

// floatsNorm returns the Euclidean norm of v.
func floatsNorm(v []float64) float64 {
	return mat.Norm(mat.NewVecDense(len(v), v), 2)
}
