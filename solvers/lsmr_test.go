package solvers

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestLSMRPlanted(t *testing.T) {
	iterCheckPlanted(t, NewLSMR(), defaultIterTol, []float64{10, 100}, []float64{0, 1})
}

// TestLSMRLooseTol checks the forward-error bound with tol = 1e-6, where
// the stopping rule rather than rounding decides the error (iterCheckLooseTol).
func TestLSMRLooseTol(t *testing.T) { iterCheckLooseTol(t, NewLSMR(WithTol(1e-6)), 1e-6, 800) }

func TestLSMRCap(t *testing.T) { iterCheckCap(t, NewLSMR(WithMaxIter(3))) }

func TestLSMRBadOptions(t *testing.T) {
	iterCheckBadOptions(t, func(o ...Option) Solver { return NewLSMR(o...) }, WithStart(mat.NewVecDense(4, nil)))
}

func TestLSMRIllConditioned(t *testing.T) { iterCheckIllConditioned(t, NewLSMR()) }

// TestLSMRReportCond checks the documented range of the condition estimate
// ‖B_k‖_F/σ̂: at least cond(B_k) (which is κ once the Krylov space holds every
// singular direction, here after rank(X) steps) and at most √k·κ_F.
func TestLSMRReportCond(t *testing.T) {
	for i, kappa := range []float64{10, 100, 1e4} {
		sh := iterShape{30, 20, 20}
		pl := iterPlanted(uint64(810+i), sh, kappa, 0.5)
		_, rep, err := NewLSMR().SolveReport(pl.X, pl.Y)
		if err != nil && !errors.Is(err, ErrIllConditioned) {
			t.Fatal(err)
		}
		kappaF := mat.Norm(pl.X, 2) / pl.Sigma[sh.k-1]
		hi := kappaF * math.Sqrt(float64(rep.Iterations))
		if rep.Cond < pl.Cond()*(1-1e-6) || rep.Cond > hi {
			t.Errorf("%#v: Cond = %.4g after %d steps, want within [κ, √k·κ_F] = [%.4g, %.4g]", pl, rep.Cond, rep.Iterations, pl.Cond(), hi)
		}
	}
}
