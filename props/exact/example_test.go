package exact_test

import (
	"fmt"

	"github.com/minnorm/lstsq/props/exact"
	"gonum.org/v1/gonum/mat"
)

// The minimum-norm solution of one equation in two unknowns, w₁ + w₂ = 2,
// is w = (1, 1), and the pseudoinverse of [1 1] is [1/2; 1/2], exactly.
func ExampleMinNorm() {
	X := exact.FromInt([][]int64{{1, 1}})
	fmt.Println(exact.Pinv(X))
	w := exact.MinNorm(X, exact.VecFromInt([]int64{2}))
	fmt.Println(w[0].RatString(), w[1].RatString())
	// Output:
	// [1/2]
	// [1/2]
	// 1 1
}

// A float64 matrix is converted exactly, so the oracle answers for the very
// matrix a floating-point solver sees; round only the final answer. (By hand:
// X has full row rank, so w = Xᵀ(XXᵀ)⁻¹y with XXᵀ = [14 29.5; 29.5 62.25].)
func ExampleFromDense() {
	f := mat.NewDense(2, 3, []float64{1, 2, 3, 2, 4, 6.5})
	X, err := exact.FromDense(f)
	if err != nil {
		panic(err)
	}
	y, _ := exact.VecFromFloat(mat.NewVecDense(2, []float64{1, 0.1}))
	w := exact.VecFloat(exact.MinNorm(X, y))
	fmt.Printf("rank %d, w = %.6f\n", exact.Rank(X), mat.Formatted(w.T()))
	// Output:
	// rank 2, w = [ 2.480000   4.960000  -3.800000]
}
