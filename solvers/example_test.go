package solvers_test

import (
	"errors"
	"fmt"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
)

// A wide X has more unknowns than equations: infinitely many w fit y
// exactly, and the min-norm solver returns the one of least norm,
// w = Xᵀ(XXᵀ)⁻¹y = (−1/18, 1/9, 5/18) here. Adding a null-space vector of X
// still interpolates but lengthens w.
func Example_minNormInterpolation() {
	X := mat.NewDense(2, 3, []float64{
		1, 2, 3,
		4, 5, 6,
	})
	y := mat.NewVecDense(2, []float64{1, 2})

	w, err := solvers.NewCOD().Solve(X, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	var fit mat.VecDense
	fit.MulVec(X, w)
	fmt.Printf("w     = %.4f\n", mat.Formatted(w.T()))
	fmt.Printf("X·w   = %.4f\n", mat.Formatted(fit.T()))
	fmt.Printf("‖w‖   = %.4f\n", mat.Norm(w, 2))

	// (1, −2, 1) spans the null space of X.
	other := mat.NewVecDense(3, []float64{1, -2, 1})
	other.AddVec(other, w)
	fit.MulVec(X, other)
	fmt.Printf("X·w'  = %.4f, ‖w'‖ = %.4f\n", mat.Formatted(fit.T()), mat.Norm(other, 2))
	// w is orthogonal to the null space, so ‖w'‖² = ‖w‖² + ‖(1, −2, 1)‖².
	fmt.Printf("‖w'‖² = %.4f = %.4f + 6\n", mat.Dot(other, other), mat.Dot(w, w))

	// Output:
	// w     = [-0.0556   0.1111   0.2778]
	// X·w   = [1.0000  2.0000]
	// ‖w‖   = 0.3043
	// X·w'  = [1.0000  2.0000], ‖w'‖ = 2.4683
	// ‖w'‖² = 6.0926 = 0.0926 + 6
}

// The ridge path from one SVD: ‖w_λ‖ falls as the penalty λ grows, from the
// min-norm solution at λ = 0 towards 0. (The values agree with exact
// rational arithmetic on Xᵀ(XXᵀ + λI)⁻¹y.)
func ExampleRidgeSVD_Path() {
	X := mat.NewDense(3, 4, []float64{
		1, 2, 0, 1,
		0, 1, 3, 1,
		2, 0, 1, 4,
	})
	y := mat.NewVecDense(3, []float64{1, -1, 2})
	lambdas := []float64{0, 0.01, 0.1, 1, 10, 100}

	path, err := solvers.NewRidgeSVD(0).Path(X, y, lambdas)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, w := range path {
		fmt.Printf("λ = %-6g ‖w_λ‖ = %.4f\n", lambdas[i], mat.Norm(w, 2))
	}

	// Output:
	// λ = 0      ‖w_λ‖ = 0.7768
	// λ = 0.01   ‖w_λ‖ = 0.7758
	// λ = 0.1    ‖w_λ‖ = 0.7665
	// λ = 1      ‖w_λ‖ = 0.6873
	// λ = 10     ‖w_λ‖ = 0.3662
	// λ = 100    ‖w_λ‖ = 0.0793
}

// Every error wraps one of the package's sentinels; match with errors.Is.
func Example_errors() {
	X := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	y := mat.NewVecDense(3, []float64{1, 2, 3}) // one entry too many

	_, err := solvers.NewCOD().Solve(X, y)
	fmt.Println(errors.Is(err, solvers.ErrShape))
	fmt.Println(err)

	_, err = solvers.NewRidgeChol(-1).Solve(X, mat.NewVecDense(2, nil))
	fmt.Println(errors.Is(err, solvers.ErrBadParameter))

	// A wide X makes XᵀX singular: the primal Cholesky refuses at λ = 0.
	_, err = solvers.NewRidgeChol(0).Solve(mat.NewDense(1, 2, []float64{1, 1}), mat.NewVecDense(1, []float64{2}))
	fmt.Println(errors.Is(err, solvers.ErrIllConditioned))

	// Output:
	// true
	// cod: solvers: dimension mismatch or empty input: len(y) = 3, X has 2 rows
	// true
	// true
}
