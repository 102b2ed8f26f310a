# Ohjaustila — the README names two commands: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8080
DATA ?= ./data
BIN := .build/debug/ohjaustila
SYSTEM_PACKAGES := libargon2-dev libsqlite3-dev libssl-dev libvoikko-dev voikko-fi libstemmer-dev
TEST_PACKAGES := chromium chromium-driver openssl
BENCH_PACKAGES := wrk nginx-light
PYTHON ?= python3
## The e2e suites run on this many workers, a test file each at a time (pytest-xdist); the ones
## marked `alone` (they measure latency under load, or race timed answers) run after them, one by one.
E2E_WORKERS ?= 2
## Swift Testing runs at most this many tests at once: all at once, on two cores, a live server's
## answer could take longer than the test client's 20 s.
SWIFT_TEST_WIDTH ?= 4

# Installs the Debian packages of $(1) that are missing (as root or with sudo), else says what to install.
define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else echo "Missing system packages:$$missing"; echo "Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi
endef

.PHONY: run build test swift-test e2e bench bench-quick bench-deps deps test-deps format lint clean

## Install the C libraries the build links, when missing (as root or with sudo), else say what to install.
deps:
	$(call install_missing,$(SYSTEM_PACKAGES))

build: deps
	$(SWIFT) build

## Build, migrate and serve the demo on http://localhost:$(PORT) with the database under $(DATA).
run: build
	$(BIN) serve --demo --data-dir $(DATA) --port $(PORT)

## What the browser and API suites need: Chromium, its driver, openssl and the pip packages.
test-deps: deps
	$(call install_missing,$(TEST_PACKAGES))
	@$(PYTHON) -c "import selenium, axe_selenium_python, schemathesis, aiosmtpd, pytest, xdist, requests, websocket, http_ece, icalendar" 2>/dev/null || \
	  $(PYTHON) -m pip install -q -r Tests/e2e/requirements.txt

## Every test: the Swift suites, the browser, SMTP and API-schema suites against the real binary, and
## the benchmarks' smoke check.
test: test-deps bench-deps lint
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(SWIFT_TEST_WIDTH) $(SWIFT) test --skip-build
	$(PYTHON) -m pytest Tests/e2e -q -m "not alone" -n $(E2E_WORKERS) --dist loadfile
	$(PYTHON) -m pytest Tests/e2e -q -m alone
	$(PYTHON) Benchmarks/bench.py --quick --no-synapse

swift-test: deps
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(SWIFT_TEST_WIDTH) $(SWIFT) test

e2e: build
	$(PYTHON) -m pytest Tests/e2e -q -m "not alone" -n $(E2E_WORKERS) --dist loadfile
	$(PYTHON) -m pytest Tests/e2e -q -m alone

## The benchmarks (docs/performance.md): every scenario beside its reference, a table and
## Benchmarks/results/latest.json; release build, within 15 minutes after the build.
bench: deps bench-deps
	$(SWIFT) build -c release
	$(PYTHON) Benchmarks/bench.py

## Every scenario, small, with the debug build: a smoke check of the benchmarks (errors, not speed).
bench-quick: deps bench-deps
	$(SWIFT) build
	$(PYTHON) Benchmarks/bench.py --quick --no-synapse

## What the benchmarks drive and compare with: wrk and nginx (Synapse goes into its own virtualenv).
bench-deps:
	$(call install_missing,$(BENCH_PACKAGES))

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks Package.swift

clean:
	rm -rf .build
