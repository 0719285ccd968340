# Jira Auth Lab — build, run and test. `make help` lists the targets.
#
# Build order matters: the wasm is built (and compressed) first, then the
# server, which embeds it from web/.

SHELL       := /bin/bash
GO          ?= go
BIN         := bin/jira-auth-lab
VERSION     ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
# Where `go install` puts tools: GOBIN when set, else GOPATH/bin.
GOBIN       := $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)
STATICCHECK := $(GOBIN)/staticcheck
STATICCHECK_VERSION := v0.8.2
# Tests that drive Chromium need time on a 2-core machine.
TEST_TIMEOUT ?= 25m

WASM_SRC   := $(shell find wasm contract -name '*.go') go.mod go.sum
SERVER_SRC := $(shell find server web contract -name '*.go' -not -path 'server/e2e/*' -not -path 'server/bench/*' -not -name '*_test.go') \
              $(wildcard web/*.css web/*.png web/*.svg web/*.txt web/*.xml) go.mod go.sum

# ensure_cmd CMD PACKAGE [WHAT]: install PACKAGE with apt-get when CMD is
# missing and we are root; otherwise stop with one line saying what to install.
# With WHAT (what goes without CMD), a failure only says so and goes on.
define ensure_cmd
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing $(2) (needed for $(1))"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); } >/dev/null \
	      || { echo "make: apt-get install $(2) failed$(if $(3),: $(3))"; exit $(if $(3),0,1); }; \
	  else \
	    echo "make: $(1) is missing: install it with 'sudo apt-get install $(2)'$(if $(3),; until then $(3))"; exit $(if $(3),0,1); \
	  fi; }
endef

.PHONY: help build wasm run test fuzz load vet staticcheck unit axe clients tools brotli chromium nginx binaryen node pyjira bench bench-smoke clean

help:
	@echo "make run    build everything and start the lab (app :8080, sandbox :8090)"
	@echo "make test   vet, staticcheck, race unit tests, fuzz seeds, browser end-to-end tests, client libraries"
	@echo "make build  produce $(BIN) with the web assets and compressed wasm embedded"
	@echo "make bench  performance figures as ratios against same-run baselines"
	@echo "make load   64 learners for 60 s (login, who am I, search) twice: throughput, errors, leaks"
	@echo "make fuzz   every fuzz target for FUZZTIME each (default 20s); new corpus kept in testdata/fuzz"

build: $(BIN)

wasm: web/app.wasm web/app.wasm.br web/app.wasm.gz

web/app.wasm: $(WASM_SRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./wasm

# brotli gives its output the input's mtime (to the second, so older): touch
# it, or every make would compress again (≈ 15 s) and relink the server.
web/app.wasm.br: web/app.wasm | brotli
	brotli -f -q 11 -o $@ $< && touch $@

web/app.wasm.gz: web/app.wasm
	gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

# CGO_ENABLED=0: a static binary (no libc, no loader), which runs on a
# distroless or scratch image (Dockerfile) as on any Linux.
$(BIN): web/app.wasm web/app.wasm.br web/app.wasm.gz $(SERVER_SRC)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$(VERSION)" -o $@ ./server

run: build
	./$(BIN)

test: vet staticcheck build chromium unit clients bench-smoke

vet:
	@test -z "$$(gofmt -l wasm server web contract internal)" || { echo "gofmt needed:"; gofmt -l wasm server web contract internal; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...
	cd server/bench && $(GO) vet ./... && GOOS=js GOARCH=wasm $(GO) vet ./floor/...
	cd server/sandbox/clients && $(GO) vet ./...

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) ./wasm/...
	cd server/bench && $(STATICCHECK) ./...
	cd server/sandbox/clients && $(STATICCHECK) ./...

$(STATICCHECK):
	GOFLAGS= GOBIN=$(GOBIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Unit, race, fuzz seed corpora and the browser end-to-end tests (server/e2e,
# which drive the binary built above in headless Chromium, and run axe-core
# in every page; one of them puts nginx in front, when it is installed).
unit: build chromium axe nginx
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

# axe-core, the accessibility engine the browser tests inject into each page,
# pinned by server/e2e/axe/package-lock.json; npm ci again only when the lock
# file changes.
AXE_JS := server/e2e/axe/node_modules/axe-core/axe.min.js

axe: $(AXE_JS)

$(AXE_JS): server/e2e/axe/package-lock.json | node
	cd server/e2e/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The real client libraries' flows against the sandbox (server/sandbox/clients,
# its own module, so go-jira stays out of the product's go.mod): go-jira in
# process, npm's jira-client and Debian's python3-jira as their users run them.
clients: node pyjira
	cd server/sandbox/clients/js && npm ci --no-audit --no-fund --loglevel=error
	cd server/sandbox/clients && $(GO) test -race -count=1 -timeout 5m ./...

# Many learners at once (issue 14): 64 clients for 60 s doing login → who am
# I → search through the proxy to the sandbox, twice; requests/s, p50/p99,
# errors, and the lab's goroutines and RSS before, after and after again.
load: build
	cd server/bench && $(GO) run ./cmd/bench -parts flows

# Every fuzz target for FUZZTIME each (default 20s): executions and new
# corpus entries per target; new entries are kept in testdata/fuzz, which
# plain go test replays.
fuzz:
	./scripts/fuzz.sh

# Performance figures as ratios against baselines measured in the same run
# (server/bench, its own module): prints a table, writes .bench/*.json.
# nginx (Debian nginx-light) is the proxy's baseline and binaryen's wasm-opt
# is measured against brotli: without them those rows are missing.
bench: build brotli chromium nginx binaryen
	cd server/bench && $(GO) run ./cmd/bench

# The bench harness's own test with tiny durations (a nested module: the
# root's `go test ./...` does not reach it).
bench-smoke: build brotli chromium nginx
	cd server/bench && $(GO) test -race -count=1 -timeout 5m ./...

tools: brotli chromium nginx binaryen node axe pyjira $(STATICCHECK)

brotli:
	$(call ensure_cmd,brotli,brotli)

chromium:
	$(call ensure_cmd,chromium,chromium)

# Debian installs nginx in /usr/sbin, not on every user's PATH.
nginx:
	$(call ensure_cmd,$(or $(shell PATH=$$PATH:/usr/sbin command -v nginx),nginx),nginx-light,the proxy is compared with direct calls only and the test behind nginx is skipped)

binaryen:
	$(call ensure_cmd,wasm-opt,binaryen,wasm-opt's gain is not measured)

node:
	$(call ensure_cmd,npm,nodejs npm)

# Debian's python3-jira, the Python client (PyPI is not reached here); the
# test finds it through /usr/bin/python3 when another python3 comes first.
pyjira:
	@/usr/bin/python3 -c 'import jira' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing python3-jira (the Python client the sandbox is tested with)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jira; } >/dev/null \
	      || { echo "make: apt-get install python3-jira failed"; exit 1; }; \
	  else \
	    echo "make: python3-jira is missing: install it with 'sudo apt-get install python3-jira'"; exit 1; \
	  fi; }

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz .testout server/e2e/axe/node_modules
