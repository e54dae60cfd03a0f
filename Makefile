# The front door. Every command a user needs is a target here, and README.md
# shows the same commands.
GO ?= go

.PHONY: all test test-long demo sweep

# The main job: the sweep report (see sweep below).
all: sweep

# go vet, the whole test suite, then the concurrency checks again under the
# race detector (it needs cgo and a C compiler; skipped, with a note, without one).
test:
	$(GO) vet ./...
	$(GO) test ./...
	@if command -v $${CC:-gcc} >/dev/null 2>&1 && [ "$$($(GO) env CGO_ENABLED)" = 1 ]; then \
		echo "$(GO) test -race -run '^Test(MinNorm|Ridge)Solvers$$/.*/hygiene$$' ./props"; \
		$(GO) test -race -run '^Test(MinNorm|Ridge)Solvers$$/.*/hygiene$$' ./props && \
		echo "$(GO) test -race -run 'Concurrent' ./solvers" && \
		$(GO) test -race -run 'Concurrent' ./solvers; \
	else echo "skipping the -race run: no C compiler or CGO_ENABLED=0"; fi

# The property suite (props) with 10× rapid's default checks (RAPID_CHECKS=1000,
# a few minutes), then its hygiene (concurrency) checks under the race detector.
test-long:
	RAPID_CHECKS=1000 $(GO) test -count 1 -timeout 60m ./props
	$(GO) test -count 1 -race -run '^Test(MinNorm|Ridge)Solvers$$/.*/hygiene$$' ./props

# Solve one n = p problem with every solver and print a table.
demo:
	$(GO) run ./solvers/cmd/demo

# The sweep report: conditioning, solver time and accuracy, and double descent
# across p/n, and double descent on the digits; CSVs and plots in out/sweep
# (a few minutes). SWEEP_FLAGS passes flags, e.g. SWEEP_FLAGS='-reps 100 -solvers all'.
SWEEP_FLAGS ?=
sweep:
	$(GO) run ./bench/cmd/sweep $(SWEEP_FLAGS)

# --- Benchmarks (bench/*_test.go) and peers (bench/peers) ---------------------
# Results go to bench/results/<kind>-<UTC time>.txt, whose name is printed.
# BENCH filters like go test -bench; BENCHFLAGS passes -lstsq.* flags (see
# README, "Benchmarks"); MATRICES names a folder of Matrix Market problems.
# PEERS_BENCH filters the peers (their solver names differ: solver=numpy-lstsq)
# and PEERS_FLAGS passes options to bench/peers/peers.py (e.g. --tol 1e-10).
BENCH ?= .
PEERS_BENCH ?= .
PEERS_FLAGS ?=
BENCHSTAT_FLAGS ?=
COUNT ?= 6
BENCHTIME ?= 0.1s
BENCHFLAGS ?=
MATRICES ?= $(or $(LSTSQ_MATRICES),$(wildcard ../shared/matrices))
BENCH_ARGS = $(BENCHFLAGS) $(if $(MATRICES),-lstsq.matrices=$(abspath $(MATRICES)))
PEERS_PY = /usr/bin/python3
BENCH_RUN = mkdir -p bench/results; \
	f=bench/results/$$kind-$$(date -u +%Y%m%dT%H%M%SZ).txt; echo "writing $$f"; \
	{ $(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -timeout 0 \
		./bench -args $(BENCH_ARGS) $$extra; echo $$? > $$f.rc; } | tee $$f; \
	rc=$$(cat $$f.rc); rm -f $$f.rc; echo "results: $$f"; exit $$rc

.PHONY: bench bench-long benchstat peers

# Time every solver on the default instances (count 6; about 9 minutes idle).
bench:
	@kind=bench; extra=; $(BENCH_RUN)

# The same with n = 1000 and 2000 added (hours: narrow it with BENCH=...).
bench-long:
	@kind=bench-long; extra=-lstsq.large; $(BENCH_RUN)

# Compare two result files: make benchstat OLD=a.txt NEW=b.txt [BENCHSTAT_FLAGS=...].
benchstat:
	@test -n "$(OLD)" -a -n "$(NEW)" || { echo "usage: make benchstat OLD=old.txt NEW=new.txt"; exit 2; }
	$(GO) tool benchstat $(BENCHSTAT_FLAGS) $(OLD) $(NEW)

# The same instances through numpy, scipy and scikit-learn (Debian packages).
peers:
	@$(PEERS_PY) -c 'import numpy, scipy, sklearn' 2>/dev/null || { \
		echo "installing Debian's python3-numpy python3-scipy python3-sklearn (needs root)"; \
		apt-get update && apt-get install -y python3-numpy python3-scipy python3-sklearn libopenblas0-pthread; } || { \
		echo "make peers needs Debian's python3-numpy, python3-scipy and python3-sklearn:"; \
		echo "  sudo apt-get install -y python3-numpy python3-scipy python3-sklearn libopenblas0-pthread"; exit 1; }
	@mkdir -p bench/results; rm -rf bench/results/instances; \
	$(GO) test -run '^TestExport$$' -count 1 ./bench -args $(BENCH_ARGS) \
		-lstsq.export=$(abspath bench/results/instances) >/dev/null || exit 1; \
	f=bench/results/peers-$$(date -u +%Y%m%dT%H%M%SZ).txt; echo "writing $$f"; \
	{ $(PEERS_PY) bench/peers/peers.py --count $(COUNT) --benchtime $(BENCHTIME) --bench '$(PEERS_BENCH)' \
		$(PEERS_FLAGS) bench/results/instances; echo $$? > $$f.rc; } | tee $$f; \
	rc=$$(cat $$f.rc); rm -f $$f.rc; echo "results: $$f"; exit $$rc

# --- The OpenBLAS backend (build tag openblas: cgo, OpenBLAS and LAPACKE) -----
# The default build stays pure Go; these targets build with -tags openblas.
.PHONY: install-openblas test-openblas bench-openblas

# Debian's libopenblas-dev and liblapacke-dev, installed when missing (root).
install-openblas:
	@dpkg -s libopenblas-dev liblapacke-dev >/dev/null 2>&1 || { \
		echo "installing Debian's libopenblas-dev liblapacke-dev (needs root)"; \
		apt-get update && apt-get install -y libopenblas-dev liblapacke-dev; } || { \
		echo "the openblas build needs a C compiler and Debian's libopenblas-dev and liblapacke-dev:"; \
		echo "  sudo apt-get install -y gcc libopenblas-dev liblapacke-dev"; exit 1; }

# The solvers' tests and the property suite on the OpenBLAS backend.
test-openblas: install-openblas
	CGO_ENABLED=1 $(GO) test -tags openblas ./solvers/... ./props/...

# make bench on the OpenBLAS backend (same variables as bench):
# bench/results/bench-openblas-<time>.txt, to compare with make benchstat.
bench-openblas: install-openblas
	@kind=bench-openblas; extra=; export CGO_ENABLED=1 GOFLAGS="$$($(GO) env GOFLAGS) -tags=openblas"; $(BENCH_RUN)
