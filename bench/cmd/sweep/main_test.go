package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny run writes every file to the folder it names, prints the seed, the
// tables and the file list on stdout, and the progress on stderr.
func TestRunTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	var stdout, stderr bytes.Buffer
	err := run([]string{
		"-n", "12", "-reps", "3", "-solver-reps", "2", "-seed", "42", "-gammas", "0.5,1,2",
		"-solvers", "cod,svd", "-out", dir,
		"-digits-file", "../../../testdata/digits.csv.gz", "-digits-n", "40",
		"-digits-features", "10,40,160", "-digits-reps", "1",
	}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"seed 42", "Conditioning and risk", "Median relative forward error", "Digits, random Fourier features", dir} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "γ sweep 9/9 (100%)") || !strings.Contains(stderr.String(), "digits 3/3 (100%)") {
		t.Errorf("stderr lacks the finished progress lines: %q", stderr.String())
	}
	for _, name := range []string{"conditioning.csv", "solvers.csv", "risk.csv", "digits.csv",
		"conditioning.png", "solvers_time.png", "solvers_error.png", "risk.png", "digits.png",
		"conditioning.svg", "solvers_time.svg", "solvers_error.svg", "risk.svg", "digits.svg"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Bad flags are errors, not panics.
func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-solvers", "nope"},
		{"-gammas", "0.5,x"},
		{"-minnorm", "ridge-svd"},
		{"-ridge", "cod"},
		{"-digits-features", "0"},
		{"-digits-file", "no/such/file.csv.gz"},
		{"extra"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(append(args, "-out", t.TempDir()), &stdout, &stderr); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}
