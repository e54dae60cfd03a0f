package props

import (
	"errors"
	"math"

	"github.com/minnorm/lstsq/internal/problem"
	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// sizes returns the largest dimension and κ the accuracy properties draw
// for a solver with claim a. Direct methods get the full range (n, p ≤ 40,
// κ ≤ 10⁶); iterative ones (Eps above u) smaller problems (n, p ≤ 16,
// κ ≤ 10³), so that a default run stays within the test budget: an
// iterative method's cost grows with κ (GD needs about κ²·ln(1/tol) steps,
// theory.md) and a refusal at its cap costs the whole cap.
func sizes(a Accuracy) (maxDim int, kappaMax float64) {
	if a.Eps > unitRoundoff {
		return 16, 1e3
	}
	return MaxDim, 1e6
}

// accuracyGen draws the problems of the accuracy properties: planted ones of
// any shape, rank and κ up to the claim's range, consistent or not, scaled
// by a power of two.
func accuracyGen(a Accuracy) *rapid.Generator[*Problem] {
	maxDim, kappaMax := sizes(a)
	return plantedGen(plantedSpec{maxDim: maxDim, kappaMin: 1, kappaMax: kappaMax,
		deficient: true, scale: true, maxResid: 1})
}

// LeastSquares is property 1: ŵ solves the normal equations, and
// interpolates (Xŵ = y) when X has full row rank. On planted, Gaussian and
// sparse problems it checks
//
//	‖Xᵀ(y − Xŵ)‖ ≤ C·m·ε·κ^s·‖X‖·(‖r̂‖ + ‖X‖‖ŵ‖ + ‖y‖),
//	‖y − Xŵ‖    ≤ C·m·ε·κ^s·(‖X‖‖ŵ‖ + ‖y‖)          (rank n only),
//
// the backward-error bounds derived at Accuracy.normalEq and
// Accuracy.interpolation.
func LeastSquares(s solvers.Solver) func(*rapid.T) { return leastSquares(s, new(tally)) }

func leastSquares(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	maxDim, _ := sizes(a)
	return leastSquaresOn(s, tl, rapid.OneOf(accuracyGen(a), gaussianGen(maxDim), sparseGen(maxDim)))
}

// leastSquaresOn is LeastSquares on the problems gen draws (a fixed set, in
// the test that shows the sparse family catching gonum's Dlarft bug).
func leastSquaresOn(s solvers.Solver, tl *tally, gen *rapid.Generator[*Problem]) func(*rapid.T) {
	a := accuracyOf(s)
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		n, _ := pr.Dims()
		r := residual(pr.X, pr.Y, w)
		g := mat.NewVecDense(w.Len(), nil)
		g.MulVec(pr.X.T(), r)
		xn, wn, yn, rn := pr.Sigma1(), norm2(w), norm2(pr.Y), norm2(r)
		if got, tol := norm2(g), a.normalEq(pr.M(), pr.Kappa(), xn, rn, wn, yn); !(got <= tol) {
			t.Fatalf("normal equations: ‖Xᵀ(y − Xŵ)‖ = %.3g > tolerance %.3g", got, tol)
		}
		if pr.Rank == n {
			if tol := a.interpolation(pr.M(), pr.Kappa(), xn, wn, yn); !(rn <= tol) {
				t.Fatalf("interpolation (full row rank): ‖y − Xŵ‖ = %.3g > tolerance %.3g", rn, tol)
			}
		}
	}
}

// RowSpace is property 2: ŵ lies in the row space of X; its component in
// null(X) (orthogonal to the planted or computed row-space basis V) obeys
//
//	‖(I − VVᵀ)ŵ‖ ≤ C·m·ε·κ·‖ŵ‖   (Accuracy.nullComponent).
//
// A solver that returns some least-squares solution other than the minimum
// norm one fails here.
func RowSpace(s solvers.Solver) func(*rapid.T) { return rowSpace(s, new(tally)) }

func rowSpace(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	maxDim, _ := sizes(a)
	gen := rapid.OneOf(accuracyGen(a), gaussianGen(maxDim), sparseGen(maxDim))
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		got := norm2(nullPart(pr.V, w))
		if tol := a.nullComponent(pr.M(), pr.Kappa(), norm2(w)); !(got <= tol) {
			t.Fatalf("row space: ‖P_null(X)·ŵ‖ = %.3g > tolerance %.3g (‖ŵ‖ = %.3g)", got, tol, norm2(w))
		}
	}
}

// Minimality is property 3, on problems whose X⁺y is known (planted, or
// exact on integer matrices): ŵ is within the forward bound of X⁺y,
//
//	‖ŵ − X⁺y‖ ≤ C·m·ε·(κ^(1+s)‖X⁺y‖ + κ²‖r*‖/σ₁)   (Accuracy),
//
// and for a random v in null(X) of a random size, adding v cannot shorten
// ŵ and Pythagoras holds: ‖ŵ + v‖² = ‖ŵ‖² + ‖v‖². Both differ from the
// exact statements by 2ŵᵀv and by rounding:
//
//	|2ŵᵀv| ≤ 2‖P_null ŵ‖‖v‖ + 2‖ŵ‖‖P_row v‖,
//
// with the row-space bound for the first term and, for v = (I − VVᵀ)g
// computed in floating point, ‖P_row v‖ ≤ C·m·u·‖g‖ (scaled with v); the
// three squared norms and the sum ŵ + v add at most 5·m·u·(‖ŵ‖ + ‖v‖)².
func Minimality(s solvers.Solver) func(*rapid.T) { return minimality(s, new(tally)) }

func minimality(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	maxDim, _ := sizes(a)
	gen := rapid.OneOf(accuracyGen(a), integerGen(min(maxDim, 8)))
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		m := pr.M()
		if got, tol := distance(w, pr.W), forwardTol(a, pr); !(got <= tol) {
			t.Fatalf("forward error: ‖ŵ − X⁺y‖ = %.3g > tolerance %.3g (‖X⁺y‖ = %.3g)", got, tol, norm2(pr.W))
		}
		_, p := pr.Dims()
		if pr.Rank == p {
			return // null(X) = {0}
		}
		g := problem.Gaussian(problem.New(pr.Seed+1), p, 1).ColView(0)
		v := nullPart(pr.V, g)
		vn := norm2(v)
		ratio := norm2(g) / vn // v's rounding is relative to ‖g‖
		wn := norm2(w)
		if wn == 0 {
			wn = 1
		}
		v.ScaleVec(wn*math.Pow(10, rapid.Float64Range(-6, 2).Draw(t, "log10 ‖v‖/‖ŵ‖"))/vn, v)
		vn = norm2(v)
		sum := mat.NewVecDense(p, nil)
		sum.AddVec(w, v)
		w2, v2, s2 := sqr(norm2(w)), sqr(vn), sqr(norm2(sum))
		um := float64(m) * unitRoundoff
		tol := 2*a.nullComponent(m, pr.Kappa(), norm2(w))*vn + 2*safety*um*ratio*vn*norm2(w) + 5*um*sqr(norm2(w)+vn)
		if !(w2 <= s2+tol) {
			t.Fatalf("minimality: ‖ŵ‖² = %.17g > ‖ŵ + v‖² = %.17g for v ∈ null(X), ‖v‖ = %.3g (tolerance %.3g)", w2, s2, vn, tol)
		}
		if got := math.Abs(s2 - w2 - v2); !(got <= tol) {
			t.Fatalf("Pythagoras: |‖ŵ + v‖² − ‖ŵ‖² − ‖v‖²| = %.3g > tolerance %.3g", got, tol)
		}
	}
}

func sqr(x float64) float64 { return x * x }

// forwardTol is the forward bound for pr; 0 when X = 0 (the answer must
// then be exactly 0).
func forwardTol(a Accuracy, pr *Problem) float64 {
	if pr.Rank == 0 {
		return 0
	}
	return a.forward(pr.M(), pr.Kappa(), norm2(pr.W), norm2(pr.R), pr.Sigma1())
}

// ExactAgreement is property 4: on small integer matrices (n, p ≤ 6,
// entries in [−3, 3], often with a duplicated row or column, so often
// rank-deficient) ŵ matches X⁺y computed in exact rational arithmetic
// (package exact) within the forward bound of Accuracy, with κ over the
// exactly non-zero singular values.
func ExactAgreement(s solvers.Solver) func(*rapid.T) { return exactAgreement(s, new(tally)) }

func exactAgreement(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	gen := integerGen(6)
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		if got, tol := distance(w, pr.W), forwardTol(a, pr); !(got <= tol) {
			t.Fatalf("exact agreement: ‖ŵ − X⁺y‖ = %.3g > tolerance %.3g\nŵ    = %v\nX⁺y = %v",
				got, tol, mat.Formatted(w.T()), mat.Formatted(pr.W.T()))
		}
	}
}

// Penrose is property 5, for a solver that returns X⁺ as a matrix P: the
// four Penrose conditions,
//
//	‖XPX − X‖    ≤ C·(m+4)·ε·κ^(1+s)·‖X‖,
//	‖PXP − P‖    ≤ C·(m+4)·ε·κ^(1+s)·‖P‖,   ‖P‖ = 1/σ_r,
//	‖XP − (XP)ᵀ‖ ≤ C·(m+4)·ε·κ^(1+s),
//	‖PX − (PX)ᵀ‖ ≤ C·(m+4)·ε·κ^(1+s).
//
// For P from a backward-stable factorization X + E = ÛΣ̂V̂ᵀ (‖E‖ ≤ ε‖X‖)
// substitution gives XPX − X = O(E) and one factor E·P (‖E·P‖ ≤ ε·κ) in
// the other three; evaluating the products in floating point adds
// m·u·‖X‖‖P‖ = m·u·κ relative to the scale of each, which is why the first
// condition also carries κ (found when the reference SVD failed a κ-free
// bound by a factor of 2 at κ = 562). Norms are spectral.
func Penrose(s solvers.Pseudoinverter) func(*rapid.T) { return penrose(s, new(tally)) }

func penrose(s solvers.Pseudoinverter, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	maxDim, _ := sizes(a)
	// Sparse designs reach the blocked reflector code (more than 32
	// reflectors) that a Pinv applies to every column of the identity: with
	// gonum's own LAPACK, cod's X·P·X − X was wrong by 2 on such a matrix.
	gen := rapid.OneOf(accuracyGen(a), integerGen(min(maxDim, 8)), sparseGen(maxDim))
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		X, _ := pr.Args()
		n, p := pr.Dims()
		P, err := callPinv(s, X)
		var pe *panicError
		switch {
		case errors.As(err, &pe):
			t.Fatalf("%s: Pinv panicked: %v", s.Name(), err)
		case err != nil && isRefusal(err):
			tl.refused.Add(1)
			return
		case err != nil:
			t.Fatalf("%s: Pinv returned an error that is not a refusal: %v", s.Name(), err)
		case P == nil:
			t.Fatalf("%s: Pinv returned nil and no error", s.Name())
		}
		if r, c := P.Dims(); r != p || c != n {
			t.Fatalf("%s: Pinv returned %d×%d, want %d×%d", s.Name(), r, c, p, n)
		}
		tl.answered.Add(1)
		if pr.Rank == 0 {
			if got := mat.Norm(P, 2); got != 0 {
				t.Fatalf("Pinv of the zero matrix has norm %.3g, want exactly 0", got)
			}
			return
		}
		k := pr.Kappa()
		ks := a.kappaS(k)
		// The dimension factor is m + 4, not m: besides the factorization's
		// backward error (growing with m), each condition sums about four
		// rounding terms of size u·κ that do not grow with m (forming P,
		// the product with X, the second product, the difference). At
		// m = 3 the bare 30·m·ε·κ was exceeded by 4% (‖PX − (PX)ᵀ‖ = 94·u·κ
		// at κ = 144 for the gonum-SVD reference, seed 541).
		e := a.unit(pr.M() + 4)
		var XP, PX, XPX, PXP, D1, D2, D3, D4 mat.Dense
		XP.Mul(pr.X, P)
		PX.Mul(P, pr.X)
		XPX.Mul(&XP, pr.X)
		PXP.Mul(&PX, P)
		pNorm := 1 / pr.Sigma[pr.Rank-1]
		D1.Sub(&XPX, pr.X)
		if got, tol := mat.Norm(&D1, 2), e*ks*k*pr.Sigma1(); !(got <= tol) {
			t.Fatalf("Penrose XPX = X: ‖XPX − X‖ = %.3g > tolerance %.3g", got, tol)
		}
		D2.Sub(&PXP, P)
		if got, tol := mat.Norm(&D2, 2), e*ks*k*pNorm; !(got <= tol) {
			t.Fatalf("Penrose PXP = P: ‖PXP − P‖ = %.3g > tolerance %.3g", got, tol)
		}
		D3.Sub(&XP, XP.T())
		if got, tol := mat.Norm(&D3, 2), e*ks*k; !(got <= tol) {
			t.Fatalf("Penrose (XP)ᵀ = XP: ‖XP − (XP)ᵀ‖ = %.3g > tolerance %.3g", got, tol)
		}
		D4.Sub(&PX, PX.T())
		if got, tol := mat.Norm(&D4, 2), e*ks*k; !(got <= tol) {
			t.Fatalf("Penrose (PX)ᵀ = PX: ‖PX − (PX)ᵀ‖ = %.3g > tolerance %.3g", got, tol)
		}
	}
}

// Equivariance is property 6: the min-norm solution transforms with the
// problem. On a planted problem it solves the original and one transformed
// version and checks
//
//	rows permuted (ΠX, Πy):        w unchanged;
//	columns permuted (XΠ):         w permuted (Πᵀw);
//	y scaled by c:                 w scaled by c;
//	rows rotated (QX, Qy), Q Haar: w unchanged;
//	a column block duplicated [X, X]: [w/2; w/2] (weight split evenly).
//
// Each transformed problem's X⁺y, residual and κ are known from the
// original's, so the two answers may differ by at most the sum of their
// forward bounds (Accuracy).
func Equivariance(s solvers.Solver) func(*rapid.T) { return equivariance(s, new(tally)) }

func equivariance(s solvers.Solver, tl *tally) func(*rapid.T) {
	a := accuracyOf(s)
	gen := accuracyGen(a)
	return func(t *rapid.T) {
		pr := problemOf(t, gen)
		n, p := pr.Dims()
		X, y := pr.Args()
		w, ok := solve(t, tl, s, X, y)
		if !ok {
			return
		}
		rng := problem.New(pr.Seed + 2)
		X2 := mat.DenseCopyOf(pr.X)
		y2 := mat.VecDenseCopyOf(pr.Y)
		want := mat.VecDenseCopyOf(w)
		pr2 := *pr      // the transformed problem's bound data
		errScale := 1.0 // the factor the transform applies to ŵ's own error
		kind := rapid.SampledFrom([]string{"scale y", "permute rows", "permute columns", "rotate rows", "duplicate columns"}).Draw(t, "transform")
		switch kind {
		case "permute rows":
			perm := rng.Perm(n)
			for i, pi := range perm {
				X2.SetRow(i, pr.X.RawRowView(pi))
				y2.SetVec(i, pr.Y.AtVec(pi))
			}
		case "permute columns":
			perm := rng.Perm(p)
			for j, pj := range perm {
				X2.SetCol(j, mat.Col(nil, pj, pr.X))
				want.SetVec(j, w.AtVec(pj))
			}
		case "scale y":
			c := math.Pow(10, rapid.Float64Range(-3, 3).Draw(t, "log10 |c|"))
			if rapid.Bool().Draw(t, "c < 0") {
				c = -c
			}
			y2.ScaleVec(c, pr.Y)
			want.ScaleVec(c, w)
			pr2.W = scaled(c, pr.W)
			pr2.R = scaled(c, pr.R)
			errScale = math.Abs(c)
		case "rotate rows":
			Q := problem.Haar(rng, n, n)
			X2.Mul(Q, pr.X)
			y2.MulVec(Q, pr.Y)
		case "duplicate columns":
			X2 = mat.NewDense(n, 2*p, nil)
			X2.Slice(0, n, 0, p).(*mat.Dense).Copy(pr.X)
			X2.Slice(0, n, p, 2*p).(*mat.Dense).Copy(pr.X)
			want = mat.NewVecDense(2*p, nil)
			for j := 0; j < p; j++ {
				want.SetVec(j, w.AtVec(j)/2)
				want.SetVec(p+j, w.AtVec(j)/2)
			}
			// [X, X] has singular values √2·σ and min-norm solution [W/2; W/2].
			pr2.X = X2
			pr2.W = mat.NewVecDense(2*p, nil)
			for j := 0; j < p; j++ {
				pr2.W.SetVec(j, pr.W.AtVec(j)/2)
				pr2.W.SetVec(p+j, pr.W.AtVec(j)/2)
			}
			pr2.Sigma = scaledSlice(math.Sqrt2, pr.Sigma)
			errScale = 1 / math.Sqrt2 // ‖[e/2; e/2]‖ = ‖e‖/√2
		}
		Xa, ya := layout(pr.Layout, X2, y2)
		got, ok := solve(t, tl, s, Xa, ya)
		if !ok {
			return
		}
		// want carries the error of w, got its own: the sum of both bounds.
		tol := forwardTol(a, pr)*errScale + forwardTol(a, &pr2)
		if d := distance(got, want); !(d <= tol) {
			t.Fatalf("equivariance under %q: ‖ŵ' − T(ŵ)‖ = %.3g > tolerance %.3g", kind, d, tol)
		}
	}
}

func scaled(c float64, v *mat.VecDense) *mat.VecDense {
	out := mat.NewVecDense(v.Len(), nil)
	out.ScaleVec(c, v)
	return out
}

func scaledSlice(c float64, s []float64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = c * v
	}
	return out
}
