#!/usr/bin/python3
"""Run the Go benchmark instances through numpy, scipy and scikit-learn.

Reads the folder written by `go test ./bench -run TestExport
-args -lstsq.export=DIR` (index.json and .npy files: the exact X, y and
double-double references of BenchmarkMinNorm and BenchmarkRidge) and prints
results in Go benchmark format, with the same names and metrics, e.g.

    BenchmarkMinNorm/solver=numpy-lstsq/family=gauss/n=200/p=200-2  50  2.1e6 ns/op  14.1 digits ...

so that `go tool benchstat -col /solver ...` puts Go and Python side by side.

Peers (default settings, as a user would call them):
  MinNorm: numpy-lstsq (numpy.linalg.lstsq, rcond=None: LAPACK gelsd),
           numpy-pinv (numpy.linalg.pinv(X) @ y), scipy-gelsd and scipy-gelsy
           (scipy.linalg.lstsq with that lapack_driver), scipy-lsqr and
           scipy-lsmr (scipy.sparse.linalg, default atol = btol = 1e-6 and
           iteration caps).
  Ridge:   sklearn-cholesky, sklearn-svd, sklearn-lsqr (Ridge(alpha=λ,
           fit_intercept=False, solver=...)), scipy-lsqr and scipy-lsmr with
           damp = √λ (their penalty is damp², theory.md).
--tol T adds scipy-lsqr-tol and scipy-lsmr-tol with atol = btol = T,
conlim = 1e16 and a 100·p iteration cap, to compare iteration counts at a
given tolerance with the Go solvers'.

Metrics, computed as bench/reference_test.go does:
  fwd-u    ‖ŵ − w*‖₂/‖w*‖₂ / u, the difference taken against the
           double-double reference (hi + lo); u = 2⁻⁵³;
  digits   −log10 of that relative error, capped at the reference's accuracy;
  nebe-u   ‖Xᵀr − λŵ‖₂ / (σ_max(σ_max‖ŵ‖₂ + ‖r‖₂) + λ‖ŵ‖₂) / u with
           r = y − Xŵ and Xᵀr in double-double (Dekker's error-free product,
           Knuth's error-free sum);
  iters    iterations reported by the iterative peers;
  kappa    κ₂(X) of the instance (from the export);
  refused  1 when the peer raised an exception, else 0 (numpy, scipy and
           scikit-learn never refuse otherwise: an iteration cap reached is
           silent, and shows as iters at the cap and a large fwd-u).
Timing: each sample calls the solver repeatedly until --benchtime has
elapsed and reports the mean, like Go's b.Loop; --count samples per
benchmark. Threads: NumPy's BLAS uses its default (all cores); set
OPENBLAS_NUM_THREADS=1 to measure one thread.
"""

import argparse
import json
import math
import os
import re
import sys
import time
import warnings

import numpy as np

# scipy and scikit-learn are imported by import_peers, so that --selfcheck
# (a test of the metrics) starts quickly with numpy alone.
scipy = sklearn = Ridge = None


def import_peers():
    global scipy, sklearn, Ridge
    import scipy
    import scipy.linalg
    import scipy.sparse.linalg
    import sklearn
    from sklearn.linear_model import Ridge

U = 2.0 ** -53

UNITS = """Unit fwd-u better=lower assume=exact
Unit digits better=higher assume=exact
Unit nebe-u better=lower assume=exact
Unit iters better=lower assume=exact
Unit kappa assume=exact
Unit refused better=lower assume=exact"""


# --- double-double arithmetic, vectorised -------------------------------------

def split(a):
    """Dekker's split a = hi + lo with 26-bit halves (exact)."""
    c = 134217729.0 * a  # 2^27 + 1
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """p = fl(a·b) and the exact error a·b − p (Dekker)."""
    p = a * b
    ah, al = split(a)
    bh, bl = split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def two_sum(a, b):
    """s = fl(a + b) and the exact error a + b − s (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fast_two_sum(a, b):
    s = a + b
    return s, b - (s - a)


def dd_add_prod(hi, lo, x, h, l):
    """(hi, lo) + x·(h + l) in double-double; x·l in float64."""
    p, pe = two_prod(x, h)
    s, e = two_sum(hi, p)
    e = e + lo + pe + x * l
    return fast_two_sum(s, e)


def dd_matvec(X, h, l):
    """X·(h + l) in double-double, as (hi, lo)."""
    n, p = X.shape
    hi = np.zeros(n)
    lo = np.zeros(n)
    for j in range(p):
        hi, lo = dd_add_prod(hi, lo, X[:, j], h[j], l[j])
    return hi, lo


def dd_rmatvec(X, h, l):
    """Xᵀ·(h + l) in double-double, as (hi, lo)."""
    n, p = X.shape
    hi = np.zeros(p)
    lo = np.zeros(p)
    for i in range(n):
        hi, lo = dd_add_prod(hi, lo, X[i, :], h[i], l[i])
    return hi, lo


# --- metrics -------------------------------------------------------------------

def forward_error(w, ref_hi, ref_lo):
    d = (w - ref_hi) - ref_lo
    den = math.sqrt(float(np.dot(ref_hi, ref_hi)))
    num = math.sqrt(float(np.dot(d, d)))
    return num / den if den > 0 else num


def normal_equation_error(X, y, w, lam, sigma_max):
    xh, xl = dd_matvec(X, w, np.zeros_like(w))
    rh, rl = two_sum(y, -xh)
    rh, rl = fast_two_sum(rh, rl - xl)
    gh, gl = dd_rmatvec(X, rh, rl)
    gh, gl = dd_add_prod(gh, gl, np.full_like(w, -lam), w, np.zeros_like(w))
    num = math.sqrt(float(np.dot(gh, gh)))
    wn = math.sqrt(float(np.dot(w, w)))
    rn = math.sqrt(float(np.dot(rh, rh)))
    return num / (sigma_max * (sigma_max * wn + rn) + lam * wn)


# --- the peers -----------------------------------------------------------------

def minnorm_peers(tol):
    peers = [
        ("numpy-lstsq", lambda X, y: (np.linalg.lstsq(X, y, rcond=None)[0], None)),
        ("numpy-pinv", lambda X, y: (np.linalg.pinv(X) @ y, None)),
        ("scipy-gelsd", lambda X, y: (scipy.linalg.lstsq(X, y, lapack_driver="gelsd")[0], None)),
        ("scipy-gelsy", lambda X, y: (scipy.linalg.lstsq(X, y, lapack_driver="gelsy")[0], None)),
        ("scipy-lsqr", lambda X, y: lsqr(X, y, 0.0, None)),
        ("scipy-lsmr", lambda X, y: lsmr(X, y, 0.0, None)),
    ]
    if tol:
        peers += [
            ("scipy-lsqr-tol", lambda X, y: lsqr(X, y, 0.0, tol)),
            ("scipy-lsmr-tol", lambda X, y: lsmr(X, y, 0.0, tol)),
        ]
    return peers


def ridge_peers(lam, tol):
    def sk(solver):
        def run(X, y):
            m = Ridge(alpha=lam, fit_intercept=False, solver=solver).fit(X, y)
            it = getattr(m, "n_iter_", None)
            if it is not None:
                it = int(np.max(it))
            return m.coef_, it
        return run

    d = math.sqrt(lam)
    peers = [
        ("sklearn-cholesky", sk("cholesky")),
        ("sklearn-svd", sk("svd")),
        ("sklearn-lsqr", sk("lsqr")),
        ("scipy-lsqr", lambda X, y: lsqr(X, y, d, None)),
        ("scipy-lsmr", lambda X, y: lsmr(X, y, d, None)),
    ]
    if tol:
        peers += [
            ("scipy-lsqr-tol", lambda X, y: lsqr(X, y, d, tol)),
            ("scipy-lsmr-tol", lambda X, y: lsmr(X, y, d, tol)),
        ]
    return peers


def lsqr(X, y, damp, tol):
    if tol is None:
        out = scipy.sparse.linalg.lsqr(X, y, damp=damp)
    else:
        out = scipy.sparse.linalg.lsqr(X, y, damp=damp, atol=tol, btol=tol, conlim=1e16,
                                       iter_lim=100 * X.shape[1])
    return out[0], int(out[2])


def lsmr(X, y, damp, tol):
    if tol is None:
        out = scipy.sparse.linalg.lsmr(X, y, damp=damp)
    else:
        out = scipy.sparse.linalg.lsmr(X, y, damp=damp, atol=tol, btol=tol, conlim=1e16,
                                       maxiter=100 * X.shape[1])
    return out[0], int(out[2])


# --- the harness ---------------------------------------------------------------

def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def blas_library():
    """The BLAS shared library NumPy loaded (Debian picks it with
    update-alternatives: OpenBLAS when libopenblas0 is installed, else the
    slow reference BLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "libblas" in line or "openblas" in line}
        return ",".join(sorted(os.path.realpath(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"


def parse_duration(s):
    m = re.fullmatch(r"([0-9.]+)(ns|us|µs|ms|s|m)?", s)
    if not m:
        raise argparse.ArgumentTypeError("bad duration %r (e.g. 0.1s, 200ms)" % s)
    scale = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, None: 1.0}
    return float(m.group(1)) * scale[m.group(2)]


def split_pattern(pattern):
    """Split a go test -bench pattern on the slashes outside brackets and
    parentheses, as the testing package does."""
    parts, depth, cur = [], 0, ""
    for ch in pattern:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "/" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return parts + [cur]


def bench_match(parts, name):
    """Go's rule: element i of the pattern must match element i of the
    slash-separated name (an unanchored regexp search)."""
    elems = name.split("/")
    if len(parts) > len(elems):
        return False
    return all(re.search(p, e) for p, e in zip(parts, elems))


def time_solver(solve, X, y, benchtime):
    """Mean seconds per call over at least benchtime (at least one call)."""
    n = 0
    start = time.perf_counter()
    while True:
        solve(X, y)
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= benchtime:
            return n, elapsed / n


def fmt(v):
    """Format a metric like Go's testing package (prettyPrint)."""
    y = abs(v)
    if y == 0 or y >= 999.95 or math.isnan(y):
        return "%.0f" % v
    for bound, places in ((99.995, 1), (9.9995, 2), (0.99995, 3), (0.099995, 4),
                          (0.0099995, 5), (0.00099995, 6)):
        if y >= bound:
            return "%.*f" % (places, v)
    return "%.7f" % v


def selfcheck(folder, index):
    """Metrics of w_i = hi_i·(1 + 2⁻³⁰·((i mod 7) − 3)), which Go computes too."""
    for e in index:
        if not e.get("ref_hi"):
            continue
        X = np.load(os.path.join(folder, e["x"]))
        y = np.load(os.path.join(folder, e["y"]))
        hi = np.load(os.path.join(folder, e["ref_hi"]))
        lo = np.load(os.path.join(folder, e["ref_lo"]))
        w = hi * (1 + 2.0 ** -30 * (np.arange(len(hi)) % 7 - 3))
        eta = normal_equation_error(X, y, w, e["lambda"], e["sigma_max"])
        print("selfcheck %s %s %.17g %.17g" % (e["bench"], e["name"], eta / U, forward_error(w, hi, lo) / U))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", help="the folder written by -lstsq.export")
    ap.add_argument("--count", type=int, default=6, help="samples per benchmark (default 6)")
    ap.add_argument("--benchtime", type=parse_duration, default=0.1,
                    help="minimum time per sample (default 0.1s)")
    ap.add_argument("--bench", default=".",
                    help="select benchmarks like go test -bench: slash-separated regexps (default .)")
    ap.add_argument("--selfcheck", action="store_true",
                    help="print the metrics of a fixed perturbation of each reference and exit "
                         "(bench/peers_check_test.go compares them with Go's)")
    ap.add_argument("--tol", type=float, default=0.0,
                    help="also run scipy lsqr/lsmr with atol = btol = TOL (see the module doc)")
    args = ap.parse_args()

    with open(os.path.join(args.folder, "index.json")) as f:
        index = json.load(f)
    if args.selfcheck:
        selfcheck(args.folder, index)
        return
    import_peers()
    pattern = split_pattern(args.bench)
    procs = int(os.environ.get("GOMAXPROCS", os.cpu_count() or 1))

    print(UNITS)
    print("# peers: numpy %s, scipy %s, scikit-learn %s, Python %s, BLAS %s" % (
        np.__version__, scipy.__version__, sklearn.__version__, sys.version.split()[0], blas_library()))
    print("goos: linux")
    print("goarch: amd64")
    print("pkg: github.com/minnorm/lstsq/bench")
    print("cpu: %s" % cpu_name())
    sys.stdout.flush()

    cache = {}

    def load(name):
        if name not in cache:
            cache.clear()  # keep one instance in memory at a time
            cache[name] = np.load(os.path.join(args.folder, name))
        return cache[name]

    for e in index:
        if e["bench"] == "MinNorm":
            peers = minnorm_peers(args.tol)
        else:
            peers = ridge_peers(e["lambda"], args.tol)
        for solver, solve in peers:
            full = "Benchmark%s/solver=%s/%s" % (e["bench"], solver, e["name"])
            if not bench_match(pattern, full):
                continue
            X = np.ascontiguousarray(load(e["x"]))
            y = np.load(os.path.join(args.folder, e["y"]))
            ref = None
            if e.get("ref_hi"):
                ref = (np.load(os.path.join(args.folder, e["ref_hi"])),
                       np.load(os.path.join(args.folder, e["ref_lo"])),
                       e["ref_accuracy"])
            # One untimed call gives the answer the metrics describe (the
            # peers are deterministic for a fixed thread count).
            log = []
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    w, iters = solve(X, y)
                    err = None
                except Exception as ex:  # a refusal: report it and go on
                    w, iters, err = None, None, "%s: %s" % (type(ex).__name__, ex)
            if caught:
                log.append("warned: %s" % caught[0].message)
            metrics = ["%s kappa" % fmt(e["kappa"])]
            if err is not None:
                metrics.append("1 refused")
                log.append("refused: %s" % err)
            else:
                w = np.asarray(w, dtype=np.float64).reshape(-1)
                metrics.append("0 refused")
                if iters:
                    metrics.append("%d iters" % iters)
                eta = normal_equation_error(X, y, w, e["lambda"], e["sigma_max"])
                metrics.append("%s nebe-u" % fmt(eta / U))
                if ref is not None:
                    fe = forward_error(w, ref[0], ref[1])
                    metrics.append("%s fwd-u" % fmt(fe / U))
                    metrics.append("%s digits" % fmt(-math.log10(max(fe, ref[2]))))
                else:
                    log.append("no forward error: %s" % e.get("ref_error", "no reference"))
            name = "%s-%d" % (full, procs)
            for _ in range(args.count):
                if err is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        n, sec = time_solver(solve, X, y, args.benchtime)
                else:  # time the refusal itself, once
                    n, start = 1, time.perf_counter()
                    try:
                        solve(X, y)
                    except Exception:
                        pass
                    sec = time.perf_counter() - start
                print("%s\t%8d\t%12.0f ns/op\t%s" % (name, n, sec * 1e9, "\t".join(metrics)))
                sys.stdout.flush()
            if log:
                print("--- BENCH: %s" % name)
                for line in log:
                    print("    peers.py: %s" % line)


if __name__ == "__main__":
    main()
