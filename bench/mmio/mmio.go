// Package mmio reads dense matrices and vectors from Matrix Market files, the
// exchange format of the NIST Matrix Market and the SuiteSparse collection
// (Boisvert, Pozo, Remington 1996, "The Matrix Market Exchange Formats:
// Initial Design", NISTIR 5935).
//
// # What is read
//
// A file starts with a banner line and a size line,
//
//	%%MatrixMarket matrix <format> <field> <symmetry>
//	% any number of comment lines
//	M N [NNZ]
//
// followed by the entries. Supported, in any letter case:
//
//   - format "coordinate" (NNZ lines "i j value", 1-based, in any order) and
//     "array" (M·N values in column-major order);
//   - field "real", "integer" and, for coordinate only, "pattern" (every
//     listed entry is 1);
//   - symmetry "general", "symmetric" and "skew-symmetric" (M = N; only the
//     lower triangle is stored, the upper one is filled by mirroring, with a
//     sign change for skew-symmetric).
//
// Explicitly stored zeros are accepted. Blank lines are skipped. Everything
// else is an error wrapping ErrFormat (malformed input, with its line number)
// or ErrUnsupported (a valid file of a kind this package does not read:
// complex or Hermitian matrices, the "vector" object). No input makes the
// readers panic. Input is gzip-decompressed first when it starts with the
// gzip magic bytes 1f 8b, whatever the file is called.
//
// Duplicate coordinate entries and non-finite values (NaN, ±Inf) are
// rejected: the format does not define them, and a silently summed or
// non-finite entry would change the problem being measured.
package mmio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

var (
	// ErrFormat: the input is not a well-formed Matrix Market file.
	ErrFormat = errors.New("mmio: malformed Matrix Market input")
	// ErrUnsupported: a well-formed file of a kind this package does not read.
	ErrUnsupported = errors.New("mmio: unsupported Matrix Market kind")
)

// MaxElements bounds M·N, so that a corrupt size line cannot make a reader
// allocate without limit: 2²⁸ float64 values take 2 GiB.
const MaxElements = 1 << 28

// ReadFile reads the dense matrix stored in the named Matrix Market file,
// gzip-compressed or not.
func ReadFile(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadVectorFile reads the named Matrix Market file as a vector: it must hold
// a matrix with one column (or one row).
func ReadVectorFile(path string) (*mat.VecDense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := ReadVector(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// ReadVector reads a Matrix Market M×1 or 1×N matrix as a vector of length M
// or N, such as the right-hand side files (*_rhs1.mtx) of the collections.
func ReadVector(r io.Reader) (*mat.VecDense, error) {
	m, err := Read(r)
	if err != nil {
		return nil, err
	}
	rows, cols := m.Dims()
	if rows != 1 && cols != 1 {
		return nil, fmt.Errorf("%w: a vector must have one row or one column, got %d×%d", ErrFormat, rows, cols)
	}
	return mat.NewVecDense(rows*cols, m.RawMatrix().Data), nil
}

// Read reads one Matrix Market matrix from r into a new dense matrix.
func Read(r io.Reader) (*mat.Dense, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip stream: %v", ErrFormat, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	p := &parser{r: br}
	m, err := p.parse()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// header is the parsed banner line.
type header struct {
	coordinate bool   // "coordinate"; otherwise "array"
	field      string // "real", "integer" or "pattern"
	symmetry   string // "general", "symmetric" or "skew-symmetric"
}

// parser reads lines and remembers the current line number for errors.
type parser struct {
	r    *bufio.Reader
	line int
}

// errorf returns an ErrFormat error naming the current line.
func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrFormat, p.line, fmt.Sprintf(format, args...))
}

// next returns the next line, without its line ending, and io.EOF at the end.
// Lines longer than 1 MiB are an error.
func (p *parser) next() (string, error) {
	const maxLine = 1 << 20
	var buf []byte
	for {
		chunk, isPrefix, err := p.r.ReadLine()
		if err != nil {
			if err == io.EOF && buf != nil {
				break
			}
			if err == io.EOF {
				return "", io.EOF
			}
			return "", fmt.Errorf("%w: line %d: read error: %v", ErrFormat, p.line+1, err)
		}
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			p.line++
			return "", p.errorf("line longer than %d bytes", maxLine)
		}
		if !isPrefix {
			break
		}
	}
	p.line++
	return string(bytes.TrimRight(buf, "\r")), nil
}

// nextData returns the next line that is neither blank nor a comment.
func (p *parser) nextData() (string, error) {
	for {
		s, err := p.next()
		if err != nil {
			return "", err
		}
		t := strings.TrimSpace(s)
		if t == "" || t[0] == '%' {
			continue
		}
		return t, nil
	}
}

func (p *parser) parseHeader() (header, error) {
	s, err := p.next()
	if err == io.EOF {
		return header{}, fmt.Errorf("%w: empty input", ErrFormat)
	}
	if err != nil {
		return header{}, err
	}
	f := strings.Fields(s)
	if len(f) == 0 || !strings.EqualFold(f[0], "%%MatrixMarket") {
		return header{}, p.errorf("missing %%%%MatrixMarket banner")
	}
	if len(f) != 5 {
		return header{}, p.errorf("banner needs 4 words after %%%%MatrixMarket (object format field symmetry), got %d", len(f)-1)
	}
	object, format, field, symmetry := strings.ToLower(f[1]), strings.ToLower(f[2]), strings.ToLower(f[3]), strings.ToLower(f[4])
	var h header
	switch object {
	case "matrix":
	case "vector":
		return header{}, fmt.Errorf("%w: line %d: object %q", ErrUnsupported, p.line, f[1])
	default:
		return header{}, p.errorf("unknown object %q", f[1])
	}
	switch format {
	case "coordinate":
		h.coordinate = true
	case "array":
	default:
		return header{}, p.errorf("unknown format %q", f[2])
	}
	switch field {
	case "real", "double", "integer":
		h.field = field
		if field == "double" {
			h.field = "real"
		}
	case "pattern":
		if !h.coordinate {
			return header{}, p.errorf("field pattern is only defined for coordinate format")
		}
		h.field = field
	case "complex":
		return header{}, fmt.Errorf("%w: line %d: field %q", ErrUnsupported, p.line, f[3])
	default:
		return header{}, p.errorf("unknown field %q", f[3])
	}
	switch symmetry {
	case "general", "symmetric", "skew-symmetric":
		h.symmetry = symmetry
	case "hermitian":
		return header{}, fmt.Errorf("%w: line %d: symmetry %q", ErrUnsupported, p.line, f[4])
	default:
		return header{}, p.errorf("unknown symmetry %q", f[4])
	}
	return h, nil
}

// parseSize reads the size line: M N NNZ for coordinate, M N for array.
func (p *parser) parseSize(h header) (rows, cols, nnz int, err error) {
	s, err := p.nextData()
	if err == io.EOF {
		return 0, 0, 0, fmt.Errorf("%w: missing size line", ErrFormat)
	}
	if err != nil {
		return 0, 0, 0, err
	}
	f := strings.Fields(s)
	want := 2
	if h.coordinate {
		want = 3
	}
	if len(f) != want {
		return 0, 0, 0, p.errorf("size line needs %d integers, got %q", want, s)
	}
	var v [3]int
	for i, w := range f {
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return 0, 0, 0, p.errorf("bad size %q", w)
		}
		v[i] = n
	}
	rows, cols, nnz = v[0], v[1], v[2]
	if rows == 0 || cols == 0 {
		return 0, 0, 0, p.errorf("empty matrix (%d×%d)", rows, cols)
	}
	if rows > MaxElements/cols {
		return 0, 0, 0, p.errorf("%d×%d matrix exceeds MaxElements = %d", rows, cols, MaxElements)
	}
	if h.symmetry != "general" && rows != cols {
		return 0, 0, 0, p.errorf("%s matrix must be square, got %d×%d", h.symmetry, rows, cols)
	}
	if h.coordinate && nnz > rows*cols {
		return 0, 0, 0, p.errorf("%d entries do not fit in a %d×%d matrix", nnz, rows, cols)
	}
	return rows, cols, nnz, nil
}

// value parses one numeric field.
func (p *parser) value(h header, s string) (float64, error) {
	if h.field == "integer" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, p.errorf("bad integer %q", s)
		}
		return float64(n), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && !math.IsInf(v, 0) {
			return v, nil // underflow to a subnormal or zero is representable
		}
		return 0, p.errorf("bad real %q", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errorf("non-finite value %q", s)
	}
	return v, nil
}

func (p *parser) parse() (*mat.Dense, error) {
	h, err := p.parseHeader()
	if err != nil {
		return nil, err
	}
	rows, cols, nnz, err := p.parseSize(h)
	if err != nil {
		return nil, err
	}
	m := mat.NewDense(rows, cols, nil)
	if h.coordinate {
		err = p.parseCoordinate(h, m, nnz)
	} else {
		err = p.parseArray(h, m)
	}
	if err != nil {
		return nil, err
	}
	// Only blank lines and comments may follow the entries.
	if s, err := p.nextData(); err == nil {
		return nil, p.errorf("unexpected data after the last entry: %q", s)
	} else if err != io.EOF {
		return nil, err
	}
	return m, nil
}

func (p *parser) parseCoordinate(h header, m *mat.Dense, nnz int) error {
	rows, cols := m.Dims()
	seen := make(map[[2]int]struct{}, nnz)
	want := 3
	if h.field == "pattern" {
		want = 2
	}
	for k := 0; k < nnz; k++ {
		s, err := p.nextData()
		if err == io.EOF {
			return fmt.Errorf("%w: input ends after %d of %d entries", ErrFormat, k, nnz)
		}
		if err != nil {
			return err
		}
		f := strings.Fields(s)
		if len(f) != want {
			return p.errorf("entry needs %d fields, got %q", want, s)
		}
		i, err1 := strconv.Atoi(f[0])
		j, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return p.errorf("bad index in %q", s)
		}
		if i < 1 || i > rows || j < 1 || j > cols {
			return p.errorf("index (%d, %d) outside the %d×%d matrix", i, j, rows, cols)
		}
		v := 1.0
		if h.field != "pattern" {
			if v, err = p.value(h, f[2]); err != nil {
				return err
			}
		}
		i, j = i-1, j-1
		if h.symmetry != "general" && i < j {
			// Some writers store the upper triangle instead; mirror it too.
			i, j = j, i
		}
		if h.symmetry == "skew-symmetric" && i == j {
			return p.errorf("skew-symmetric matrix has a diagonal entry at (%d, %d)", i+1, j+1)
		}
		if _, dup := seen[[2]int{i, j}]; dup {
			return p.errorf("duplicate entry (%d, %d)", i+1, j+1)
		}
		seen[[2]int{i, j}] = struct{}{}
		store(h, m, i, j, v)
	}
	return nil
}

func (p *parser) parseArray(h header, m *mat.Dense) error {
	rows, cols := m.Dims()
	count := 0
	for j := 0; j < cols; j++ {
		first := 0
		switch h.symmetry {
		case "symmetric":
			first = j
		case "skew-symmetric":
			first = j + 1
		}
		for i := first; i < rows; i++ {
			s, err := p.nextData()
			if err == io.EOF {
				return fmt.Errorf("%w: input ends after %d values", ErrFormat, count)
			}
			if err != nil {
				return err
			}
			f := strings.Fields(s)
			if len(f) != 1 {
				return p.errorf("array entry needs one value, got %q", s)
			}
			v, err := p.value(h, f[0])
			if err != nil {
				return err
			}
			store(h, m, i, j, v)
			count++
		}
	}
	return nil
}

// store sets m[i,j] = v and, for a symmetric kind, its mirror image.
func store(h header, m *mat.Dense, i, j int, v float64) {
	m.Set(i, j, v)
	switch h.symmetry {
	case "symmetric":
		m.Set(j, i, v)
	case "skew-symmetric":
		m.Set(j, i, -v)
	}
}
