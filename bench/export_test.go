package bench

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/minnorm/lstsq/internal/ddref"
)

var flagExport = flag.String("lstsq.export", "",
	"write every benchmark instance (X, y, references) to this folder for bench/peers (run with -run TestExport)")

// exportEntry describes one benchmark of the export: the peers script runs
// its solvers on it and names the results "Benchmark<Bench>/solver=<peer>/<Name>".
type exportEntry struct {
	Bench    string  `json:"bench"`  // "MinNorm" or "Ridge"
	Name     string  `json:"name"`   // the sub-benchmark name after solver=...
	Family   string  `json:"family"` // "gauss", "planted" or "mm"
	N        int     `json:"n"`
	P        int     `json:"p"`
	Seed     uint64  `json:"seed"` // 0 for Matrix Market files
	Lambda   float64 `json:"lambda"`
	Kappa    float64 `json:"kappa"`
	SigmaMax float64 `json:"sigma_max"`
	X        string  `json:"x"` // .npy files, relative to the folder
	Y        string  `json:"y"`
	// The reference in double-double: w* = RefHi + RefLo ("" when there is
	// none, and then RefError says why).
	RefHi       string  `json:"ref_hi,omitempty"`
	RefLo       string  `json:"ref_lo,omitempty"`
	RefAccuracy float64 `json:"ref_accuracy,omitempty"`
	RefError    string  `json:"ref_error,omitempty"`
}

// TestExport writes the exact benchmark instances, bit for bit, as NumPy .npy
// files plus index.json, so that `make peers` measures numpy, scipy and
// scikit-learn on the same problems with the same references. It runs only
// when -lstsq.export names a folder.
func TestExport(t *testing.T) {
	dir := *flagExport
	if dir == "" {
		t.Skip("set -lstsq.export=DIR to write the benchmark instances")
	}
	list, err := instances()
	if err != nil {
		t.Fatal(err)
	}
	exportInstances(t, dir, list)
}

// exportInstances writes list to dir (see TestExport).
func exportInstances(t *testing.T, dir string, list []*instance) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var index []exportEntry
	for _, in := range list {
		d := in.ridgeData()
		if d.err != nil {
			t.Fatalf("instance %s: %v", in.minNormName(), d.err)
		}
		stem := strings.NewReplacer("family=", "", "/", "-", "=", "").Replace(in.minNormName())
		n, p := d.X.Dims()
		xFile, yFile := stem+".X.npy", stem+".y.npy"
		writeNpy(t, filepath.Join(dir, xFile), []int{n, p}, d.X.RawMatrix().Data)
		writeNpy(t, filepath.Join(dir, yFile), []int{n}, d.y)
		base := exportEntry{Family: in.family, N: n, P: p, Seed: in.seed, Kappa: d.kappa, SigmaMax: d.sigmaMax, X: xFile, Y: yFile}
		for _, b := range []struct {
			bench, name, tag string
			lambda           float64
			ref              *ddref.Reference
			err              error
		}{
			{"MinNorm", in.minNormName(), "minnorm", 0, d.minNorm, d.minNormErr},
			{"Ridge", in.ridgeName(), "ridge", d.lambda, d.ridge, d.ridgeErr},
		} {
			e := base
			e.Bench, e.Name, e.Lambda = b.bench, b.name, b.lambda
			if b.ref == nil {
				e.RefError = b.err.Error()
			} else {
				e.RefHi, e.RefLo, e.RefAccuracy = stem+"."+b.tag+".hi.npy", stem+"."+b.tag+".lo.npy", b.ref.Accuracy
				hi, lo := b.ref.DoubleDouble()
				writeNpy(t, filepath.Join(dir, e.RefHi), []int{p}, hi)
				writeNpy(t, filepath.Join(dir, e.RefLo), []int{p}, lo)
			}
			index = append(index, e)
		}
	}
	js, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), append(js, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d benchmarks on %d instances to %s", len(index), len(list), dir)
}

// writeNpy writes a little-endian float64 array in NumPy's .npy format,
// version 1.0, C (row-major) order: the magic "\x93NUMPY", the version, the
// header length, and a Python-literal header padded with spaces to a
// multiple of 64 bytes, then the raw data.
func writeNpy(t *testing.T, path string, shape []int, data []float64) {
	t.Helper()
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = fmt.Sprint(s)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", tuple)
	const preamble = 10 // magic (6) + version (2) + header length (2)
	pad := 64 - (preamble+len(header)+1)%64
	header += strings.Repeat(" ", pad%64) + "\n"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(header)))
	w.WriteString(header)
	buf := make([]byte, 8)
	for _, v := range data {
		binary.LittleEndian.PutUint64(buf, math.Float64bits(v))
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWriteNpy checks the .npy layout on a 2×3 array: a 128-byte header
// (the smallest multiple of 64 that fits), then the six values in row order.
func TestWriteNpy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npy")
	X := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	writeNpy(t, path, []int{2, 3}, X.RawMatrix().Data)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("bad magic %q", b[:8])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hl)%64 != 0 || b[10+hl-1] != '\n' {
		t.Fatalf("header length %d not padded to 64 bytes with a final newline", hl)
	}
	if !strings.Contains(string(b[10:10+hl]), "'shape': (2, 3)") {
		t.Fatalf("header %q lacks the shape", b[10:10+hl])
	}
	data := b[10+hl:]
	if len(data) != 48 || math.Float64frombits(binary.LittleEndian.Uint64(data[8:])) != 2 {
		t.Fatalf("data %d bytes, second value not 2", len(data))
	}
}
