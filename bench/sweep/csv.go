package sweep

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// The CSV files have a header line and one line per row. Numbers are written
// with 8 significant digits; an infinite theory value as +Inf; a missing
// value (NaN: a solver that refused every repetition, no theory) as an empty
// field.

// Column headers, exported so that readers and tests agree on them.
var (
	ConditioningColumns = []string{"n", "p", "gamma", "reps", "kappa_median", "kappa_q10", "kappa_q90", "mp_limit"}
	SolverColumns       = []string{"n", "p", "gamma", "solver", "reps", "refusals", "time_median_s", "forward_error_median", "forward_error_max", "kappa_median"}
	RiskColumns         = []string{"n", "p", "gamma", "estimator", "reps", "failed", "risk_mean", "risk_median", "risk_se", "theory", "param"}
	DigitsColumns       = []string{"n_train", "n_test", "features", "ratio", "method", "lambda", "reps", "failed", "test_mse_median", "test_mse_q25", "test_mse_q75", "zero_one_median", "train_mse_median"}
)

func ff(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', 8, 64)
}

func fi(v int) string { return strconv.Itoa(v) }

func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil { // WriteAll flushes
		return err
	}
	return cw.Error()
}

// WriteConditioningCSV writes conditioning.csv.
func WriteConditioningCSV(w io.Writer, rows []CondRow) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{fi(r.N), fi(r.P), ff(r.Gamma), fi(r.Reps), ff(r.KappaMedian), ff(r.KappaQ10), ff(r.KappaQ90), ff(r.MPLimit)}
	}
	return writeCSV(w, ConditioningColumns, out)
}

// WriteSolversCSV writes solvers.csv.
func WriteSolversCSV(w io.Writer, rows []SolverRow) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{fi(r.N), fi(r.P), ff(r.Gamma), r.Solver, fi(r.Reps), fi(r.Refusals), ff(r.TimeMedian), ff(r.ErrMedian), ff(r.ErrMax), ff(r.KappaMedian)}
	}
	return writeCSV(w, SolverColumns, out)
}

// WriteRiskCSV writes risk.csv.
func WriteRiskCSV(w io.Writer, rows []RiskRow) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{fi(r.N), fi(r.P), ff(r.Gamma), r.Estimator, fi(r.Reps), fi(r.Failed), ff(r.RiskMean), ff(r.RiskMedian), ff(r.RiskSE), ff(r.Theory), ff(r.Param)}
	}
	return writeCSV(w, RiskColumns, out)
}

// WriteDigitsCSV writes digits.csv.
func WriteDigitsCSV(w io.Writer, rows []DigitsRow) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{fi(r.NTrain), fi(r.NTest), fi(r.Features), ff(r.Ratio), r.Method, ff(r.Lambda), fi(r.Reps), fi(r.Failed), ff(r.TestMSEMedian), ff(r.TestMSEQ25), ff(r.TestMSEQ75), ff(r.ZeroOneMedian), ff(r.TrainMSEMedian)}
	}
	return writeCSV(w, DigitsColumns, out)
}
