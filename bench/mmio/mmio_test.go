package mmio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The expected matrices below are written out by hand from the inputs.

func TestReadValid(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want *mat.Dense
	}{
		{
			name: "coordinate real general with explicit zero and comments",
			in: `%%MatrixMarket matrix coordinate real general
% a comment
%
3 2 4
1 1 1.5
3 2 -2e-3

2 1 0
1 2 7
`,
			want: mat.NewDense(3, 2, []float64{1.5, 7, 0, 0, 0, -2e-3}),
		},
		{
			name: "array real general is column-major, CRLF line endings",
			in:   "%%MatrixMarket matrix array real general\r\n2 3\r\n1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n",
			want: mat.NewDense(2, 3, []float64{1, 3, 5, 2, 4, 6}),
		},
		{
			name: "integer field, upper-case banner words",
			in:   "%%MatrixMarket MATRIX Coordinate INTEGER General\n2 2 2\n1 2 -3\n2 1 4\n",
			want: mat.NewDense(2, 2, []float64{0, -3, 4, 0}),
		},
		{
			name: "pattern",
			in:   "%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n",
			want: mat.NewDense(2, 3, []float64{0, 0, 1, 1, 0, 0}),
		},
		{
			name: "coordinate symmetric mirrors the lower triangle",
			in:   "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 2\n3 1 5\n3 2 -1\n",
			want: mat.NewDense(3, 3, []float64{2, 0, 5, 0, 0, -1, 5, -1, 0}),
		},
		{
			name: "coordinate skew-symmetric",
			in:   "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n",
			want: mat.NewDense(2, 2, []float64{0, -3, 3, 0}),
		},
		{
			name: "array symmetric stores the lower triangle by columns",
			in:   "%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n",
			want: mat.NewDense(2, 2, []float64{1, 2, 2, 3}),
		},
		{
			name: "array skew-symmetric omits the diagonal",
			in:   "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n",
			want: mat.NewDense(3, 3, []float64{0, -1, -2, 1, 0, -3, 2, 3, 0}),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(c.in))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !mat.Equal(got, c.want) {
				t.Fatalf("got\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(c.want))
			}
		})
	}
}

func TestReadGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("%%MatrixMarket matrix array real general\n2 1\n0.5\n-4\n"))
	zw.Close()
	v, err := ReadVector(&buf)
	if err != nil {
		t.Fatalf("ReadVector: %v", err)
	}
	if v.Len() != 2 || v.AtVec(0) != 0.5 || v.AtVec(1) != -4 {
		t.Fatalf("got %v, want [0.5 -4]", mat.Formatted(v.T()))
	}
}

func TestReadMalformed(t *testing.T) {
	cases := []struct {
		name, in string
		want     error
		msg      string // a fragment the message must contain
	}{
		{"empty", "", ErrFormat, "empty input"},
		{"no banner", "3 3 1\n1 1 1\n", ErrFormat, "banner"},
		{"short banner", "%%MatrixMarket matrix coordinate real\n", ErrFormat, "4 words"},
		{"unknown format", "%%MatrixMarket matrix sparse real general\n", ErrFormat, "format"},
		{"complex", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", ErrUnsupported, "complex"},
		{"hermitian", "%%MatrixMarket matrix coordinate real hermitian\n", ErrUnsupported, "hermitian"},
		{"vector object", "%%MatrixMarket vector coordinate real general\n", ErrUnsupported, "vector"},
		{"array pattern", "%%MatrixMarket matrix array pattern general\n", ErrFormat, "pattern"},
		{"missing size", "%%MatrixMarket matrix coordinate real general\n% only comments\n", ErrFormat, "size line"},
		{"bad size", "%%MatrixMarket matrix coordinate real general\n3 x 1\n", ErrFormat, "bad size"},
		{"negative size", "%%MatrixMarket matrix array real general\n-1 2\n", ErrFormat, "bad size"},
		{"zero size", "%%MatrixMarket matrix array real general\n0 2\n", ErrFormat, "empty matrix"},
		{"huge size", "%%MatrixMarket matrix array real general\n100000000 100000000\n", ErrFormat, "MaxElements"},
		{"too many nnz", "%%MatrixMarket matrix coordinate real general\n1 1 2\n", ErrFormat, "do not fit"},
		{"non-square symmetric", "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n", ErrFormat, "square"},
		{"truncated coordinate", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n", ErrFormat, "1 of 3"},
		{"truncated array", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", ErrFormat, "3 values"},
		{"index out of range", "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", ErrFormat, "outside"},
		{"zero index", "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n", ErrFormat, "outside"},
		{"bad index", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1.5 1 1\n", ErrFormat, "bad index"},
		{"missing value", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n", ErrFormat, "3 fields"},
		{"extra field", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1 1\n", ErrFormat, "3 fields"},
		{"bad real", "%%MatrixMarket matrix array real general\n1 1\n1.2.3\n", ErrFormat, "bad real"},
		{"NaN", "%%MatrixMarket matrix array real general\n1 1\nNaN\n", ErrFormat, "non-finite"},
		{"overflow", "%%MatrixMarket matrix array real general\n1 1\n1e400\n", ErrFormat, "bad real"},
		{"fractional integer", "%%MatrixMarket matrix array integer general\n1 1\n1.5\n", ErrFormat, "bad integer"},
		{"duplicate", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n1 1 2\n", ErrFormat, "duplicate"},
		{"symmetric duplicate", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n1 2 1\n", ErrFormat, "duplicate"},
		{"skew diagonal", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n", ErrFormat, "diagonal"},
		{"trailing data", "%%MatrixMarket matrix array real general\n1 1\n1\n2\n", ErrFormat, "after the last entry"},
		{"two values on an array line", "%%MatrixMarket matrix array real general\n2 1\n1 2\n", ErrFormat, "one value"},
		{"bad gzip", "\x1f\x8bnot really gzip", ErrFormat, "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("Read accepted malformed input, returned %v", mat.Formatted(m))
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error %q does not wrap %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %q does not mention %q", err, c.msg)
			}
		})
	}
}

func TestReadVectorShape(t *testing.T) {
	row, err := ReadVector(strings.NewReader("%%MatrixMarket matrix array real general\n1 2\n1\n2\n"))
	if err != nil || row.Len() != 2 || row.AtVec(1) != 2 {
		t.Fatalf("1×2 matrix as a vector: got %v, %v", row, err)
	}
	_, err = ReadVector(strings.NewReader("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n"))
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("2×2 matrix as a vector: error %v, want ErrFormat", err)
	}
}

func TestReadFileMissing(t *testing.T) {
	if _, err := ReadFile(filepath.Join(t.TempDir(), "absent.mtx")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: error %v, want os.ErrNotExist", err)
	}
}

// FuzzRead checks that no input makes Read panic, and that an accepted input
// gives a matrix of the declared size.
func FuzzRead(f *testing.F) {
	f.Add("%%MatrixMarket matrix coordinate real general\n3 2 2\n1 1 1.5\n3 2 2\n")
	f.Add("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n")
	f.Add("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n2 2\n")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := Read(strings.NewReader(in))
		if err == nil && m == nil {
			t.Fatal("nil matrix without an error")
		}
	})
}

// TestSharedMatrices reads the two Harwell–Boeing least-squares problems kept
// beside the project (../shared/matrices, or the folder named by
// LSTSQ_MATRICES) and checks the sizes stated in that folder's README:
// 1033×320 with 4,732 stored entries, and 1033×1 right-hand sides.
func TestSharedMatrices(t *testing.T) {
	dir := os.Getenv("LSTSQ_MATRICES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "matrices")
	}
	for _, name := range []string{"illc1033", "well1033"} {
		path := filepath.Join(dir, name+".mtx.gz")
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s not found (set LSTSQ_MATRICES to the folder holding it)", path)
		}
		X, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if r, c := X.Dims(); r != 1033 || c != 320 {
			t.Errorf("%s: %d×%d, want 1033×320", name, r, c)
		}
		// The explicit zeros are stored entries too: count lines, not non-zeros.
		nnz := countEntries(t, path)
		if nnz != 4732 {
			t.Errorf("%s: %d stored entries, want 4732", name, nnz)
		}
		y, err := ReadVectorFile(filepath.Join(dir, name+"_rhs1.mtx.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if y.Len() != 1033 {
			t.Errorf("%s_rhs1: length %d, want 1033", name, y.Len())
		}
	}
}

// countEntries returns the NNZ of the size line, after checking that Read
// consumed exactly that many entry lines (it errors otherwise).
func countEntries(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(zr)
	lines := 0
	for _, l := range strings.Split(buf.String(), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && l[0] != '%' {
			lines++
		}
	}
	return lines - 1 // minus the size line
}
