package bench

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMatrixInstances pairs foo.mtx[.gz] with foo_rhs1.mtx[.gz] and skips,
// with a note, a matrix without a right-hand side and an unreadable one.
func TestMatrixInstances(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tall.mtx":        "%%MatrixMarket matrix coordinate real general\n3 2 3\n1 1 1\n2 2 2\n3 1 1\n",
		"tall_rhs1.mtx":   "%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n",
		"lonely.mtx":      "%%MatrixMarket matrix array real general\n1 1\n1\n",
		"broken.mtx":      "not a matrix\n",
		"broken_rhs1.mtx": "%%MatrixMarket matrix array real general\n1 1\n1\n",
		"notes.txt":       "ignored",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	list, skipped, err := matrixInstances(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].minNormName() != "family=mm/matrix=tall/n=3/p=2" {
		t.Fatalf("instances %v, want the one tall problem", list)
	}
	if len(skipped) != 2 || !strings.HasPrefix(skipped[0], "broken: ") || !strings.HasPrefix(skipped[1], "lonely: ") {
		t.Fatalf("skipped %q, want broken and lonely", skipped)
	}
	d := list[0].ridgeData()
	if d.err != nil || d.minNorm == nil || d.ridge == nil {
		t.Fatalf("loading tall: %v, min-norm reference %v, ridge reference %v", d.err, d.minNormErr, d.ridgeErr)
	}
	if _, _, err := matrixInstances(filepath.Join(dir, "absent")); err == nil {
		t.Fatal("a missing folder gave no error")
	}
}

// TestBenchmarkNames checks what benchstat relies on: unique names made of
// key=value elements, none ending in -digits (which would be read as
// GOMAXPROCS).
func TestBenchmarkNames(t *testing.T) {
	list, err := instances()
	if err != nil {
		t.Fatal(err)
	}
	elem := regexp.MustCompile(`^[a-z]+=[^/=\s]+$`)
	seen := map[string]bool{}
	for _, in := range list {
		for _, name := range []string{in.minNormName(), in.ridgeName()} {
			if seen[name] {
				t.Errorf("duplicate name %s", name)
			}
			seen[name] = true
			for _, e := range strings.Split(name, "/") {
				if !elem.MatchString(e) {
					t.Errorf("%s: element %q is not key=value", name, e)
				}
			}
			if regexp.MustCompile(`-[0-9]+$`).MatchString(name) {
				t.Errorf("%s ends in -digits", name)
			}
		}
	}
	if len(list) == 0 {
		t.Fatal("no instances")
	}
}

// TestParseShapes reads -lstsq.rect lists and rejects malformed shapes.
func TestParseShapes(t *testing.T) {
	got, err := parseShapes(" 20000x500, 7X3 ,,")
	if err != nil || len(got) != 2 || got[0] != [2]int{20000, 500} || got[1] != [2]int{7, 3} {
		t.Fatalf("parseShapes = %v, %v; want [[20000 500] [7 3]]", got, err)
	}
	if got, err := parseShapes(""); err != nil || got != nil {
		t.Fatalf("parseShapes(\"\") = %v, %v; want none", got, err)
	}
	for _, bad := range []string{"20000", "0x5", "5x-1", "axb", "5x5x5"} {
		if _, err := parseShapes(bad); err == nil {
			t.Errorf("parseShapes(%q) accepted a malformed shape", bad)
		}
	}
}
