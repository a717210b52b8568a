# concert: build, run, test, benchmark. `make help` lists the targets.
GO      ?= go
BIN     := bin/concert
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: help build run test testdeps bench lint generate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/concert
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/concert

run: build ## start the shell on the bundled tutorial session (dummy devices)
	./$(BIN) start tutorial

lint: ## gofmt and go vet must be clean
	@out=$$(gofmt -l $$($(GO) list -f '{{$$d := .Dir}}{{range .GoFiles}}{{$$d}}/{{.}} {{end}}{{range .TestGoFiles}}{{$$d}}/{{.}} {{end}}{{range .XTestGoFiles}}{{$$d}}/{{.}} {{end}}' ./...)); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

testdeps: ## install (root, Debian) or build what the integration tests need: socat, pymodbus, EPICS base; else say what is missing
	@bash scripts/testdeps.sh

test: lint testdeps ## gofmt, go vet, then every test with the race detector, the real-server ones included
	$(GO) test -race -count=1 ./...

bench: ## Go benchmarks, then the side-by-side table against Python asyncio (several minutes; CONCERT_SRC=dir adds Concert)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./internal/...
	$(GO) run ./bench/compare

generate: ## regenerate generated code (yaegi symbol tables)
	$(GO) generate ./...

clean:
	rm -rf bin
