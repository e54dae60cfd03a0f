package exact

import (
	"fmt"
	"math"
	"math/big"

	"gonum.org/v1/gonum/mat"
)

// rref returns the reduced row echelon form of the n×p matrix X and the
// indices of its pivot columns, in increasing order; their number is the rank.
// Exact arithmetic makes any non-zero pivot safe, so the first one found is used.
func rref(X *Matrix) (*Matrix, []int) {
	R := X.Clone()
	var pivots []int
	var inv, f, prod big.Rat
	row := 0
	for col := 0; col < R.cols && row < R.rows; col++ {
		piv := -1
		for i := row; i < R.rows; i++ {
			if R.at(i, col).Sign() != 0 {
				piv = i
				break
			}
		}
		if piv < 0 {
			continue
		}
		R.swapRows(row, piv)
		inv.Inv(R.at(row, col))
		for j := col; j < R.cols; j++ {
			e := R.at(row, j)
			e.Mul(e, &inv)
		}
		for i := 0; i < R.rows; i++ {
			if i == row || R.at(i, col).Sign() == 0 {
				continue
			}
			f.Set(R.at(i, col))
			for j := col; j < R.cols; j++ {
				e := R.at(i, j)
				e.Sub(e, prod.Mul(&f, R.at(row, j)))
			}
		}
		pivots = append(pivots, col)
		row++
	}
	return R, pivots
}

func (m *Matrix) swapRows(a, b int) {
	if a == b {
		return
	}
	for j := 0; j < m.cols; j++ {
		x, y := m.at(a, j), m.at(b, j)
		var t big.Rat
		t.Set(x)
		x.Set(y)
		y.Set(&t)
	}
}

// Rank returns the exact rank of X.
func Rank(X *Matrix) int {
	_, pivots := rref(X)
	return len(pivots)
}

// solve returns A⁻¹B for a non-singular k×k matrix A and a k×m matrix B, by
// Gauss–Jordan elimination on [A | B]. It panics if A is singular, which the
// callers rule out by construction.
func solve(A, B *Matrix) *Matrix {
	k := A.rows
	if A.cols != k || B.rows != k {
		panic(fmt.Sprintf("exact: solve with %d×%d and %d×%d", A.rows, A.cols, B.rows, B.cols))
	}
	aug := New(k, k+B.cols)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			aug.at(i, j).Set(A.at(i, j))
		}
		for j := 0; j < B.cols; j++ {
			aug.at(i, k+j).Set(B.at(i, j))
		}
	}
	R, pivots := rref(aug)
	if len(pivots) < k || pivots[k-1] != k-1 {
		panic("exact: internal error: singular matrix in solve")
	}
	X := New(k, B.cols)
	for i := 0; i < k; i++ {
		for j := 0; j < B.cols; j++ {
			X.at(i, j).Set(R.at(i, k+j))
		}
	}
	return X
}

// identity returns the k×k identity.
func identity(k int) *Matrix {
	I := New(k, k)
	for i := 0; i < k; i++ {
		I.at(i, i).SetInt64(1)
	}
	return I
}

// Pinv returns the p×n Moore–Penrose pseudoinverse of the n×p matrix X,
// computed exactly from the full-rank factorization X = F·G (F the pivot
// columns of X, G the non-zero rows of its reduced row echelon form):
//
//	X⁺ = Gᵀ(G·Gᵀ)⁻¹(FᵀF)⁻¹Fᵀ.
//
// The zero matrix (rank 0) gives the p×n zero matrix.
func Pinv(X *Matrix) *Matrix {
	R, pivots := rref(X)
	r := len(pivots)
	if r == 0 {
		return New(X.cols, X.rows)
	}
	F := New(X.rows, r)
	for i := 0; i < X.rows; i++ {
		for k, j := range pivots {
			F.at(i, k).Set(X.at(i, j))
		}
	}
	G := New(r, X.cols)
	for i := 0; i < r; i++ {
		for j := 0; j < X.cols; j++ {
			G.at(i, j).Set(R.at(i, j))
		}
	}
	Ft, Gt := F.T(), G.T()
	left := solve(Mul(Ft, F), Ft)           // (FᵀF)⁻¹Fᵀ, r×n
	return Mul(Gt, solve(Mul(G, Gt), left)) // Gᵀ(GGᵀ)⁻¹(FᵀF)⁻¹Fᵀ
}

// MinNorm returns the minimum-norm least-squares solution X⁺y exactly. It
// panics if len(y) differs from the number of rows of X.
func MinNorm(X *Matrix, y []*big.Rat) []*big.Rat {
	return MulVec(Pinv(X), y)
}

// Ridge returns the ridge solution for the penalty λ ≥ 0 exactly:
//
//	w_λ = argmin ‖X·w − y‖₂² + λ‖w‖₂² = (XᵀX + λI)⁻¹Xᵀy = Xᵀ(XXᵀ + λI)⁻¹y,
//
// using the p×p (primal) system when p ≤ n and the n×n (dual) one otherwise;
// for λ > 0 both are non-singular and give the same rational vector. λ = 0
// gives the limit λ → 0⁺, which is X⁺y. It panics for a negative λ or if
// len(y) differs from the number of rows of X.
func Ridge(X *Matrix, y []*big.Rat, lambda *big.Rat) []*big.Rat {
	switch lambda.Sign() {
	case -1:
		panic(fmt.Sprintf("exact: Ridge with negative λ = %v", lambda.RatString()))
	case 0:
		return MinNorm(X, y)
	}
	if X.cols <= X.rows {
		return ridgePrimal(X, y, lambda)
	}
	return ridgeDual(X, y, lambda)
}

// ridgePrimal returns (XᵀX + λI)⁻¹Xᵀy for λ > 0.
func ridgePrimal(X *Matrix, y []*big.Rat, lambda *big.Rat) []*big.Rat {
	Xt := X.T()
	return column(solve(shifted(Mul(Xt, X), lambda), colVec(MulVec(Xt, y))))
}

// ridgeDual returns Xᵀ(XXᵀ + λI)⁻¹y for λ > 0.
func ridgeDual(X *Matrix, y []*big.Rat, lambda *big.Rat) []*big.Rat {
	if len(y) != X.rows {
		panic(fmt.Sprintf("exact: len(y) = %d, X has %d rows", len(y), X.rows))
	}
	Xt := X.T()
	return MulVec(Xt, column(solve(shifted(Mul(X, Xt), lambda), colVec(y))))
}

// shifted returns A + λI for a square A, overwriting A.
func shifted(A *Matrix, lambda *big.Rat) *Matrix {
	for i := 0; i < A.rows; i++ {
		e := A.at(i, i)
		e.Add(e, lambda)
	}
	return A
}

func colVec(v []*big.Rat) *Matrix {
	m := New(len(v), 1)
	for i, x := range v {
		m.at(i, 0).Set(x)
	}
	return m
}

func column(m *Matrix) []*big.Rat {
	v := make([]*big.Rat, m.rows)
	for i := range v {
		v[i] = m.At(i, 0)
	}
	return v
}

// MulVec returns A·x. It panics if len(x) differs from the number of columns of A.
func MulVec(A *Matrix, x []*big.Rat) []*big.Rat {
	if len(x) != A.cols {
		panic(fmt.Sprintf("exact: MulVec of %d×%d by a vector of length %d", A.rows, A.cols, len(x)))
	}
	out := make([]*big.Rat, A.rows)
	var prod big.Rat
	for i := range out {
		s := new(big.Rat)
		for j, xj := range x {
			s.Add(s, prod.Mul(A.at(i, j), xj))
		}
		out[i] = s
	}
	return out
}

// VecFromInt returns the rational vector with the given integer entries.
func VecFromInt(v []int64) []*big.Rat {
	out := make([]*big.Rat, len(v))
	for i, x := range v {
		out[i] = new(big.Rat).SetInt64(x)
	}
	return out
}

// VecFromFloat returns the exact rational value of the float64 vector v.
func VecFromFloat(v mat.Vector) ([]*big.Rat, error) {
	out := make([]*big.Rat, v.Len())
	for i := range out {
		x := v.AtVec(i)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: entry [%d] = %v", ErrNotFinite, i, x)
		}
		out[i] = new(big.Rat).SetFloat64(x)
	}
	return out, nil
}

// VecFloat returns v rounded entry by entry to the nearest float64.
func VecFloat(v []*big.Rat) *mat.VecDense {
	if len(v) == 0 {
		return &mat.VecDense{}
	}
	out := mat.NewVecDense(len(v), nil)
	for i, x := range v {
		f, _ := x.Float64()
		out.SetVec(i, f)
	}
	return out
}
