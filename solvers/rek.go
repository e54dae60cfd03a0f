package solvers

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// REK is the "rek" solver: the randomized extended Kaczmarz method of
// Zouzias & Freris (2013, SIAM J. Matrix Anal. Appl. 34(2), Algorithm 3).
// Plain randomized Kaczmarz (Strohmer & Vershynin 2009) converges to X⁺y only
// on consistent systems; REK adds a second sequence z_k that converges to the
// part of y orthogonal to the range of X, and runs Kaczmarz on X·w = y − z:
//
//	z₀ = y, w₀ = 0; at each step draw a row i with probability ‖X_i,:‖²/‖X‖_F²
//	and a column j with probability ‖X_:,j‖²/‖X‖_F², then
//	z ← z − (⟨X_:,j, z⟩/‖X_:,j‖²)·X_:,j,
//	w ← w + ((y_i − z_i − ⟨X_i,:, w⟩)/‖X_i,:‖²)·X_i,:ᵀ.
//
// Every w-update adds a row of X, so from 0 the iterates stay in the row
// space and converge (in expectation) to X⁺y for any n×p X, consistent or not,
// also rank-deficient, at the rate E‖w_k − X⁺y‖² ≤ (1 − 1/κ_F²)^⌊k/2⌋·(1 + 2κ²)·‖X⁺y‖²
// with κ_F = ‖X‖_F·‖X⁺‖₂ (Theorem 8). Near the interpolation threshold κ_F²
// is huge, so "rek" mostly stops at its cap there: an honest ErrNotConverged.
//
// # Randomness
//
// The draws come from math/rand/v2's PCG seeded with WithSeed (default 1) and
// a fixed stream constant, by inverse-CDF sampling on the cumulative squared
// norms; the same input and seed give bit-identical output.
//
// # Stopping rule, cap and certificate
//
// Every 8·min(n, p) steps (the paper's choice) REK computes X·w and Xᵀz and
// stops when both
//
//	‖X·w − (y − z)‖ ≤ tol·‖X‖_F·‖w‖  and  ‖Xᵀz‖ ≤ tol·‖X‖_F²·‖w‖
//
// hold (Zouzias & Freris, Algorithm 3), with tol = 1e-14 by default (WithTol),
// and, beyond the paper, z is either negligible or orthogonal to the range of
// X by LSQR's measure (Paige & Saunders 1982, rules S1 and S2):
//
//	‖z‖ ≤ tol·(‖X‖_F·‖w‖ + ‖y‖)  or  ‖Xᵀz‖ ≤ tol·‖X‖_F·‖z‖.
//
// The paper's test on z, relative to ‖X‖_F²·‖w‖, alone let a consistent
// problem whose y has a component of size 10⁻¹² along a singular direction
// with σ = 10⁻¹² (planted 3×3, rank 2, κ = 10¹²) stop with that component left
// in z, taken for a residual, and the answer 100% wrong: Xᵀz was 10⁻²⁴,
// far under tol·‖X‖_F²·‖w‖, and the certificate below could not see it
// because no step had moved w along that direction. With the added test the
// solver keeps going and reaches its cap (ErrNotConverged).
// The default cap is 2000·max(n, p) steps (WithMaxIter), each step costing
// O(n + p); reaching it returns ErrNotConverged. The answer then passes LSQR's
// forward-error certificate (see LSQR) with σ̂² the smallest Rayleigh
// quotient ‖X·d‖²/‖d‖² of the differences d between successive checked
// iterates (vectors of the row space, so each quotient is at least σ_min²;
// the slow, small-σ components dominate late differences); an estimated
// relative forward error above 1e-4 is refused with ErrIllConditioned.
// Report.Iterations counts steps; Report.Cond is ‖X‖_F/σ̂, an estimate of κ_F
// (≥ κ₂), the number that governs REK's rate.
//
// Options: WithTol, WithMaxIter, WithSeed.
type REK struct{ cfg config }

// NewREK returns the "rek" solver.
func NewREK(opts ...Option) *REK { return &REK{cfg: newConfig(optTol|optMaxIter|optSeed, opts)} }

// Name returns "rek".
func (s *REK) Name() string { return "rek" }

// Solve returns X⁺y.
func (s *REK) Solve(X mat.Matrix, y mat.Vector) (*mat.VecDense, error) {
	w, _, err := s.SolveReport(X, y)
	return w, err
}

// SolveReport is Solve with a Report.
func (s *REK) SolveReport(X mat.Matrix, y mat.Vector) (*mat.VecDense, Report, error) {
	return solveScaled(s.Name(), &s.cfg, false, 0, X, y, s.core)
}

const (
	// rekDefaultSeed is the seed used without WithSeed.
	rekDefaultSeed = 1
	// rekStream is the PCG stream constant (any fixed value will do).
	rekStream = 0x5a6f757a69617321
)

// rekCap is the default step cap of "rek".
func rekCap(n, p int) int { return 2000 * max(n, p) }

func (s *REK) core(t *task) (*mat.VecDense, Report, error) {
	lp := newLSProblem(t)
	n, p := lp.n, lp.p
	tol := t.cfg.tolOr(defaultIterTol)
	maxIter := t.cfg.maxIterOr(rekCap(n, p))
	seed := uint64(rekDefaultSeed)
	if t.cfg.set&optSeed != 0 {
		seed = t.cfg.seed
	}
	rng := rand.New(rand.NewPCG(seed, rekStream))

	X := lp.X
	row := func(i int) []float64 { return X.Data[i*X.Stride : i*X.Stride+p] }
	// Cumulative squared row and column norms for the draws.
	rowCum, colCum := make([]float64, n), make([]float64, p)
	rowNorm2, colNorm2 := make([]float64, n), make([]float64, p)
	for i := 0; i < n; i++ {
		for j, v := range row(i) {
			rowNorm2[i] += v * v
			colNorm2[j] += v * v
		}
	}
	acc := 0.0
	for i, v := range rowNorm2 {
		acc += v
		rowCum[i] = acc
	}
	acc = 0.0
	for j, v := range colNorm2 {
		acc += v
		colCum[j] = acc
	}
	draw := func(cum []float64) int {
		u := rng.Float64() * cum[len(cum)-1] // in [0, total): some cum[i] > u
		return sort.Search(len(cum), func(i int) bool { return cum[i] > u })
	}

	normXF := lp.normXF
	w := make([]float64, p)
	z := append([]float64(nil), lp.y...)
	Xw, XTz := make([]float64, n), make([]float64, p)
	wPrev, d, Xd := make([]float64, p), make([]float64, p), make([]float64, n)
	sigmaMin2 := math.Inf(1)
	checkEvery := 8 * min(n, p)
	converged := false
	itn := 0
	for itn < maxIter {
		itn++
		// Project z away from column j.
		j := draw(colCum)
		colDot := 0.0
		for i := 0; i < n; i++ {
			colDot += X.Data[i*X.Stride+j] * z[i]
		}
		cz := colDot / colNorm2[j]
		for i := 0; i < n; i++ {
			z[i] -= cz * X.Data[i*X.Stride+j]
		}
		// Kaczmarz step on row i of X·w = y − z.
		i := draw(rowCum)
		ri := row(i)
		cw := (lp.y[i] - z[i] - blas64.Dot(vec(ri), vec(w))) / rowNorm2[i]
		blas64.Axpy(cw, vec(ri), vec(w))

		if itn%checkEvery != 0 && itn != maxIter {
			continue
		}
		// The Rayleigh quotient of the step since the last check.
		for k := range d {
			d[k] = w[k] - wPrev[k]
		}
		if dd := blas64.Dot(vec(d), vec(d)); dd > 0 {
			lp.mulX(Xd, d)
			sigmaMin2 = math.Min(sigmaMin2, blas64.Dot(vec(Xd), vec(Xd))/dd)
		}
		copy(wPrev, w)
		// The paper's stopping rule.
		lp.mulX(Xw, w)
		consistency := 0.0
		for k := range Xw {
			e := Xw[k] - (lp.y[k] - z[k])
			consistency += e * e
		}
		lp.mulXT(XTz, z)
		normW, normZ, normXTz := nrm2(w), nrm2(z), nrm2(XTz)
		// z must also be negligible or orthogonal to range(X) by LSQR's
		// measure; see the doc comment.
		zDone := normZ <= tol*(normXF*normW+lp.normY) || normXTz <= tol*normXF*normZ
		if math.Sqrt(consistency) <= tol*normXF*normW && normXTz <= tol*normXF*normXF*normW && zDone {
			converged = true
			break
		}
	}
	rep := Report{Iterations: itn}
	if sigmaMin2 > 0 && sigmaMin2 < math.Inf(1) {
		rep.Cond = normXF / math.Sqrt(sigmaMin2)
	}
	if !converged {
		return nil, rep, refusal(s.Name(), ErrNotConverged, "stopping rule not met after %d steps (cap %d)", itn, maxIter)
	}
	if _, err := lp.certify(s.Name(), w, sigmaMin2); err != nil {
		return nil, rep, err
	}
	return mat.NewVecDense(p, w), rep, nil
}
