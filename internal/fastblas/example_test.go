package fastblas_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/fastblas"
)

// Install once, before gonum is used concurrently; every later gonum matrix
// operation (here a product and a Cholesky factorization) uses the faster
// level-3 routines.
func ExampleInstall() {
	fastblas.Install()
	defer blas64.Use(gonum.Implementation{}) // restore gonum's default

	a := mat.NewDense(2, 2, []float64{2, 1, 1, 3})
	var ata mat.SymDense
	ata.SymOuterK(1, a.T())
	var ch mat.Cholesky
	fmt.Println(ch.Factorize(&ata))
	// Output: true
}
