package bench

import (
	"bufio"
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/minnorm/lstsq/internal/ddref"
)

// TestPeersMetricsAgree checks that bench/peers/peers.py computes the same
// metrics as the Go benchmarks: both evaluate fwd-u and nebe-u on the same
// perturbed references of two small instances (a tall Gaussian one with a
// residual, and a wide planted one with ridge), and must agree to 1e-9
// relative (the double-double evaluations differ only in rounding order).
// It needs Debian's /usr/bin/python3 with numpy (`make peers` installs it),
// and is skipped without it.
func TestPeersMetricsAgree(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy not available: %v", python, err)
	}
	list := []*instance{gaussian(3, 30, 20), planted(3, 10, 25, 1e6)}
	dir := t.TempDir()
	exportInstances(t, dir, list)
	out, err := exec.Command(python, filepath.Join("peers", "peers.py"), "--selfcheck", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("peers.py --selfcheck: %v\n%s", err, out)
	}
	got := map[string][2]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 5 || f[0] != "selfcheck" {
			continue
		}
		eta, err1 := strconv.ParseFloat(f[3], 64)
		fe, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		got[f[1]+"/"+f[2]] = [2]float64{eta, fe}
	}
	checked := 0
	for _, in := range list {
		d := in.ridgeData()
		for _, c := range []struct {
			key    string
			ref    *ddref.Reference
			lambda float64
		}{
			{"MinNorm/" + in.minNormName(), d.minNorm, 0},
			{"Ridge/" + in.ridgeName(), d.ridge, d.lambda},
		} {
			py, ok := got[c.key]
			if !ok {
				t.Errorf("peers.py printed nothing for %s:\n%s", c.key, out)
				continue
			}
			hi, _ := c.ref.DoubleDouble()
			w := make([]float64, len(hi))
			for i, h := range hi {
				w[i] = h * (1 + 0x1p-30*float64(i%7-3))
			}
			eta := ddref.NormalEquationError(d.X, d.y, w, c.lambda, d.sigmaMax) / u
			fe := ddref.ForwardError(w, c.ref) / u
			if relDiff(eta, py[0]) > 1e-9 || relDiff(fe, py[1]) > 1e-9 {
				t.Errorf("%s: Go nebe-u %.12g fwd-u %.12g, peers.py %.12g %.12g", c.key, eta, fe, py[0], py[1])
			}
			checked++
		}
	}
	if checked != 4 {
		t.Fatalf("checked %d benchmarks, want 4", checked)
	}
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b)) }
