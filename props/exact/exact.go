// Package exact computes the Moore–Penrose pseudoinverse, the minimum-norm
// least-squares solution and the ridge solution in exact rational arithmetic
// (math/big), as an oracle for tests and benchmarks of floating-point solvers.
//
// # What it is for
//
// A floating-point solver can only be judged against a reference more
// accurate than itself. For a small matrix whose entries are integers, or
// any float64 values (every finite float64 is a rational number, and FromDense
// converts it exactly), this package gives
//
//	X⁺,  w* = X⁺y  (minimize over w: ‖y − X·w‖₂, and among those ‖w‖₂),
//	w_λ = (XᵀX + λI)⁻¹Xᵀy = Xᵀ(XXᵀ + λI)⁻¹y  for rational λ > 0,
//
// and the rank of X, with no rounding at all: the result satisfies the four
// Penrose conditions with exact equality. Round to float64 only at the end
// (Matrix.Dense, VecFloat), which rounds each entry to nearest.
//
// # Method
//
// The rank r and a full-rank factorization X = F·G come from the exact
// reduced row echelon form R of the n×p matrix X: F (n×r) holds the pivot
// columns of X and G (r×p) the r non-zero rows of R. Then
//
//	X⁺ = Gᵀ(G·Gᵀ)⁻¹(FᵀF)⁻¹Fᵀ,
//
// the classical full-rank factorization formula (A. Ben-Israel and
// T. N. E. Greville, "Generalized Inverses: Theory and Applications", 2nd ed.,
// Springer 2003, Ch. 1, full-rank factorization; MacDuffee's formula), where
// both r×r matrices are non-singular; the package applies their inverses by
// exact Gauss–Jordan elimination.
//
// # Cost and limits
//
// Elimination takes O(n·p·min(n, p)) rational operations, but each operation
// costs time that grows with the bit length of the numbers, which itself grows
// with the size of the matrix and of its entries (denominators are minors of
// X). The package is meant for matrices up to about 12×12: with small integer
// entries a 12×12 pseudoinverse takes about 10 ms, with Gaussian float64
// entries (each exactly a 53-bit integer over a power of two) about 0.1 s,
// on one 2020s core. It is not a general-purpose linear-algebra library.
//
// Every function and every method except Set is safe for concurrent use on
// shared inputs: none modifies its arguments or receiver.
package exact

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"gonum.org/v1/gonum/mat"
)

// Matrix is a dense rows×cols matrix of rationals. The zero value is an empty
// 0×0 matrix; make others with New, FromInt, FromRat or FromDense.
type Matrix struct {
	rows, cols int
	data       []big.Rat // row-major
}

// New returns a rows×cols zero matrix. It panics if a dimension is negative.
func New(rows, cols int) *Matrix {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("exact: New(%d, %d): negative dimension", rows, cols))
	}
	return &Matrix{rows: rows, cols: cols, data: make([]big.Rat, rows*cols)}
}

// FromInt returns the matrix with the given integer rows. It panics if the
// rows have different lengths.
func FromInt(a [][]int64) *Matrix {
	m := New(len(a), rowLen(len(a), func(i int) int { return len(a[i]) }))
	for i, row := range a {
		for j, v := range row {
			m.at(i, j).SetInt64(v)
		}
	}
	return m
}

// FromRat returns the matrix with the given rational rows, copying each entry.
// It panics if the rows have different lengths or an entry is nil.
func FromRat(a [][]*big.Rat) *Matrix {
	m := New(len(a), rowLen(len(a), func(i int) int { return len(a[i]) }))
	for i, row := range a {
		for j, v := range row {
			if v == nil {
				panic(fmt.Sprintf("exact: FromRat: nil entry [%d][%d]", i, j))
			}
			m.at(i, j).Set(v)
		}
	}
	return m
}

func rowLen(n int, length func(i int) int) int {
	if n == 0 {
		return 0
	}
	c := length(0)
	for i := 1; i < n; i++ {
		if length(i) != c {
			panic(fmt.Sprintf("exact: ragged rows: row 0 has %d entries, row %d has %d", c, i, length(i)))
		}
	}
	return c
}

// ErrNotFinite is returned by FromDense and FromVec for a NaN or an infinity,
// which has no rational value.
var ErrNotFinite = errors.New("exact: NaN or infinity has no rational value")

// FromDense returns the exact rational value of the float64 matrix a: every
// finite float64 is a dyadic rational, and the conversion does not round.
func FromDense(a mat.Matrix) (*Matrix, error) {
	r, c := a.Dims()
	m := New(r, c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := a.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: entry [%d,%d] = %v", ErrNotFinite, i, j, v)
			}
			m.at(i, j).SetFloat64(v)
		}
	}
	return m, nil
}

// Dims returns the number of rows and columns.
func (m *Matrix) Dims() (rows, cols int) { return m.rows, m.cols }

// At returns a copy of the entry in row i, column j. It panics when out of range.
func (m *Matrix) At(i, j int) *big.Rat { return new(big.Rat).Set(m.at(i, j)) }

// Set sets the entry in row i, column j to a copy of v.
func (m *Matrix) Set(i, j int, v *big.Rat) { m.at(i, j).Set(v) }

func (m *Matrix) at(i, j int) *big.Rat {
	if i < 0 || i >= m.rows || j < 0 || j >= m.cols {
		panic(fmt.Sprintf("exact: index [%d,%d] out of range for %d×%d", i, j, m.rows, m.cols))
	}
	return &m.data[i*m.cols+j]
}

// Clone returns a deep copy of m.
func (m *Matrix) Clone() *Matrix {
	c := New(m.rows, m.cols)
	for k := range m.data {
		c.data[k].Set(&m.data[k])
	}
	return c
}

// T returns the transpose of m as a new matrix.
func (m *Matrix) T() *Matrix {
	t := New(m.cols, m.rows)
	for i := 0; i < m.rows; i++ {
		for j := 0; j < m.cols; j++ {
			t.at(j, i).Set(m.at(i, j))
		}
	}
	return t
}

// Equal reports whether a and b have the same dimensions and entries.
func Equal(a, b *Matrix) bool {
	if a.rows != b.rows || a.cols != b.cols {
		return false
	}
	for k := range a.data {
		if a.data[k].Cmp(&b.data[k]) != 0 {
			return false
		}
	}
	return true
}

// Mul returns the product a·b. It panics if the inner dimensions differ.
func Mul(a, b *Matrix) *Matrix {
	if a.cols != b.rows {
		panic(fmt.Sprintf("exact: Mul of %d×%d by %d×%d", a.rows, a.cols, b.rows, b.cols))
	}
	c := New(a.rows, b.cols)
	var prod big.Rat
	for i := 0; i < a.rows; i++ {
		for k := 0; k < a.cols; k++ {
			aik := a.at(i, k)
			if aik.Sign() == 0 {
				continue
			}
			for j := 0; j < b.cols; j++ {
				bkj := b.at(k, j)
				if bkj.Sign() == 0 {
					continue
				}
				cij := c.at(i, j)
				cij.Add(cij, prod.Mul(aik, bkj))
			}
		}
	}
	return c
}

// Dense returns m rounded entry by entry to the nearest float64 (an entry
// beyond the float64 range becomes ±Inf).
func (m *Matrix) Dense() *mat.Dense {
	if m.rows == 0 || m.cols == 0 {
		return &mat.Dense{}
	}
	d := mat.NewDense(m.rows, m.cols, nil)
	for i := 0; i < m.rows; i++ {
		for j := 0; j < m.cols; j++ {
			f, _ := m.at(i, j).Float64()
			d.Set(i, j, f)
		}
	}
	return d
}

// String formats m one row per line, e.g. "[1/2 0]\n[0 3]".
func (m *Matrix) String() string {
	s := ""
	for i := 0; i < m.rows; i++ {
		if i > 0 {
			s += "\n"
		}
		s += "["
		for j := 0; j < m.cols; j++ {
			if j > 0 {
				s += " "
			}
			s += m.at(i, j).RatString()
		}
		s += "]"
	}
	return s
}
