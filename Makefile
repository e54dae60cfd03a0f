# The front door. Every command a user needs is a target here, and README.md
# shows the same commands.
GO ?= go

.PHONY: all test demo

# The main job (until the sweep report lands: the demonstration table).
all: demo

# go vet and the whole test suite.
test:
	$(GO) vet ./...
	$(GO) test ./...

# Solve one n = p problem with every solver and print a table.
demo:
	$(GO) run ./solvers/cmd/demo
