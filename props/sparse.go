package props

import (
	"math"
	"math/rand/v2"

	"github.com/minnorm/lstsq/internal/problem"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Sparse designs, the family of one-hot and count data.
//
// A dense random matrix never has an exact zero, so the Householder vectors a
// QR or LQ factorization of it computes never end in zeros. A sparse one
// does, and LAPACK's block routines then take a separate path: xLARFT skips
// each reflector's trailing zeros when it forms the triangular factor T of a
// block reflector H₁·H₂⋯H_b = I − V·T·Vᵀ (LAPACK 3.2 and later). gonum
// v0.17.0's Dlarft (lapack/gonum/dlarft.go, forward direction) translates
// LAPACK's 1-based test I > 1 as i > 1 on a 0-based index, so when the
// second reflector of a block is shorter than the first, T is wrong, and so
// is every blocked routine that forms it: Dormqr and Dormlq once they apply
// more than 32 reflectors (gonum's block size), Dgeqrf, Dgelqf, Dorgqr and
// Dorglq from 128 columns. The property suite drew only dense matrices and
// did not see it; on sparse 0/1/2/3 designs "qr", "cod" and "sketch" had
// normal-equation backward errors up to 5e-5 instead of about 1e-17.
// sparseGen draws such designs, at sizes (up to MaxDim = 40) where Dormqr
// and Dormlq are blocked.

// blockedMin is the least number of reflectors that gonum's Dormqr and
// Dormlq apply in blocks (its block size is 32, Ilaenv ispec 1).
const blockedMin = 33

// sparseDesigns are the three kinds of sparse X sparseGen draws, in the order
// it shrinks toward.
var sparseDesigns = []string{"scattered", "one-hot", "dummy"}

// sparseGen draws an n×p design X of which most entries are exactly zero,
// and a Gaussian y, from an explicit seed (recorded in Problem.Seed). Half
// the draws have n, p ≥ 33, where gonum's Dormqr and Dormlq are blocked
// (drawShape's n and p folded into [33, maxDim]). The share d of non-zero
// entries comes from the seed, log-uniform in [3%, 30%], and the design is
// one of
//
//	scattered: each entry is non-zero with probability d, then ±1, ±2 or ±3
//	           uniformly (count data);
//	one-hot:   the columns are split into consecutive groups of L = round(1/d)
//	           levels (the last group may be smaller), and each row has a
//	           single 1 in each group, at a uniform level: a categorical
//	           design, rank-deficient as soon as it has two groups (the
//	           columns of each group sum to the all-ones vector);
//	dummy:     as one-hot, with the first level of each group dropped (no
//	           column; a row at that level is 0 in the group), as a
//	           regression with an intercept codes it: of full rank when
//	           every level is seen, so "qr" answers it too.
//
// Within a group the columns have disjoint supports, so a Householder vector
// often ends in zeros where its predecessor did not: the case of the bug.
// Zero rows and columns are allowed. As for gaussianGen, the rank, κ and
// bases come from gonum's SVD (fillSVD) and only scale tolerances, so
// Oracle is false. It shrinks toward the scattered design, 1×1.
func sparseGen(maxDim int) *rapid.Generator[*Problem] {
	return rapid.Custom(func(t *rapid.T) *Problem {
		n, p := drawShape(t, maxDim)
		if maxDim >= blockedMin && rapid.Bool().Draw(t, "n, p ≥ 33") {
			span := maxDim - blockedMin + 1
			n, p = blockedMin+(n-1)%span, blockedMin+(p-1)%span
		}
		design := rapid.SampledFrom(sparseDesigns).Draw(t, "design")
		seed := rapid.Uint64().Draw(t, "seed")
		return sparseProblem(seed, n, p, design, drawLayout(t))
	})
}

// sparseProblem builds the sparse problem of sparseGen from its draws.
//
// fillSVD's gonum SVD (Dgesvd) is not hit by the Dlarft bug at these sizes:
// with k = min(n, p) < 128 it calls Dgeqrf, Dgelqf, Dgebrd, Dorgqr, Dorglq
// and Dorgbr, whose crossover to blocked code is 128 (gonum's Ilaenv, ispec
// 3), so none of them forms a T; its Dormbr calls, which would use Dormqr or
// Dormlq blocked from k = 33, are only on the paths for a workspace below
// the optimal size, and mat.SVD always passes the optimal size it queries.
func sparseProblem(seed uint64, n, p int, design string, lay string) *Problem {
	rng := problem.New(seed)
	// The density comes from the seed, not from rapid: rapid's numbers lean
	// hard toward the low end of a range, where most columns of a 40×40
	// draw are zero, "qr" refuses and the blocked path goes untested.
	density := 0.03 * math.Pow(10, rng.Float64())
	X := sparseDesign(rng, n, p, design, density)
	y := mat.NewVecDense(n, problem.Gaussian(rng, n, 1).RawMatrix().Data)
	pr := &Problem{Kind: "sparse", Layout: lay, Seed: seed, X: X, Y: y}
	fillSVD(pr, -1)
	return pr
}

// sparseDesign returns an n×p design of the named kind (see sparseGen) with
// a share density of non-zeros.
func sparseDesign(rng *rand.Rand, n, p int, design string, density float64) *mat.Dense {
	X := mat.NewDense(n, p, nil)
	switch design {
	case "scattered":
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				if rng.Float64() < density {
					X.Set(i, j, smallNonzero(rng))
				}
			}
		}
	case "one-hot", "dummy":
		levels := max(2, int(math.Round(1/density)))
		dropped := 0 // the levels without a column
		if design == "dummy" {
			dropped = 1
		}
		for g := 0; g < p; g += levels - dropped {
			width := min(levels-dropped, p-g)
			for i := 0; i < n; i++ {
				if l := rng.IntN(width+dropped) - dropped; l >= 0 {
					X.Set(i, g+l, 1)
				}
			}
		}
	default:
		panic("props: unknown sparse design " + design)
	}
	return X
}

// smallNonzero returns ±1, ±2 or ±3, uniformly.
func smallNonzero(rng *rand.Rand) float64 {
	v := float64(1 + rng.IntN(3))
	if rng.IntN(2) == 0 {
		v = -v
	}
	return v
}
