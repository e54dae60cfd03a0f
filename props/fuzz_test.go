package props

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/minnorm/lstsq/solvers"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"
)

// Fuzz targets for bad input: `go test -fuzz=FuzzMinNorm ./props` (likewise
// FuzzRidge, FuzzRapidBadInput). Without -fuzz, `go test` runs the seed
// corpus under testdata/fuzz/<FuzzName>/ as ordinary tests. Every solver
// must satisfy CheckInput: no panic, every error wraps a documented
// sentinel, ErrShape/ErrNotFinite exactly where required.

// decodeInput turns bytes into X and y. Byte 0 gives n = b%8, byte 1
// p = b%8 (0 means an empty matrix), byte 2 a wrong len(y) = b%8 when its
// high bit is set, byte 3 the layout (bit 0: view into a NaN-padded matrix,
// bit 1: transposed storage, bit 2: strided y). Each entry, X row by row then
// y, takes one code byte c: c%32 < 16 picks hostileValues[c%32] (NaN, ±Inf,
// ±MaxFloat64, subnormals, ...), 16 ≤ c%32 < 24 the integer c%32 − 20, and
// otherwise the next 8 bytes are the entry's IEEE 754 bits. Missing bytes
// read as 0.
func decodeInput(data []byte) (mat.Matrix, mat.Vector) {
	at := 0
	next := func() byte {
		if at >= len(data) {
			at++
			return 0
		}
		at++
		return data[at-1]
	}
	n, p, ylen, lay := int(next()%8), int(next()%8), next(), next()
	m := n
	if ylen&0x80 != 0 {
		m = int(ylen % 8)
	}
	value := func() float64 {
		c := next() % 32
		switch {
		case c < 16:
			return hostileValues[c]
		case c < 24:
			return float64(int(c) - 20)
		}
		var b [8]byte
		for i := range b {
			b[i] = next()
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
	}
	var X mat.Matrix = &mat.Dense{}
	var Xd *mat.Dense
	if n > 0 && p > 0 {
		Xd = mat.NewDense(n, p, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				Xd.Set(i, j, value())
			}
		}
		X = Xd
	}
	var y mat.Vector = &mat.VecDense{}
	var yd *mat.VecDense
	if m > 0 {
		yd = mat.NewVecDense(m, nil)
		for i := 0; i < m; i++ {
			yd.SetVec(i, value())
		}
		y = yd
	}
	if Xd != nil && yd != nil {
		name := []string{"dense", "view", "transpose", "view"}[lay&3]
		if lay&4 != 0 {
			name += "+strided-y"
		}
		X, y = layout(name, Xd, yd)
	}
	return X, y
}

// FuzzMinNorm runs every solver of solvers.MinNorm() on decoded input.
func FuzzMinNorm(f *testing.F) {
	f.Add([]byte{2, 2, 0, 0, 17, 20, 20, 17, 21, 22})
	f.Fuzz(func(t *testing.T, data []byte) {
		X, y := decodeInput(data)
		for _, s := range solvers.MinNorm() {
			if err := CheckInput(s, X, y); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzRidge runs every ridge solver on decoded input; the first 8 bytes are
// the IEEE 754 bits of λ (so NaN, ±Inf, negative and subnormal λ occur).
func FuzzRidge(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 2, 2, 0, 0, 17, 20, 20, 17, 21, 22})
	f.Fuzz(func(t *testing.T, data []byte) {
		var b [8]byte
		copy(b[:], data)
		lambda := math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
		rest := data[min(len(data), 8):]
		X, y := decodeInput(rest)
		for i := range solvers.Ridge(1) {
			s := solvers.Ridge(lambda)[i]
			if err := checkInput(s, X, y, true, lambda); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzRapidBadInput feeds the fuzzer's bytes to rapid's generators through
// rapid.MakeFuzz: the BadInput property composed over every min-norm solver.
func FuzzRapidBadInput(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		for _, s := range solvers.MinNorm() {
			BadInput(s)(t)
		}
	}))
}
