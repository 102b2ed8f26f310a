# Ohjaustila — the README names two commands: `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PORT ?= 8080
DATA ?= ./data
BIN := .build/debug/ohjaustila
SYSTEM_PACKAGES := libargon2-dev libsqlite3-dev libssl-dev libvoikko-dev voikko-fi libstemmer-dev
TEST_PACKAGES := chromium chromium-driver openssl
PYTHON ?= python3

.PHONY: run build test swift-test e2e bench load idle-sockets deps test-deps format lint clean

## Install the C libraries the build links, when missing (as root or with sudo), else say what to install.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else echo "Missing system packages:$$missing"; echo "Install them with: sudo apt-get install$$missing"; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build

## Build, migrate and serve the demo on http://localhost:$(PORT) with the database under $(DATA).
run: build
	$(BIN) serve --demo --data-dir $(DATA) --port $(PORT)

## What the browser and API suites need: Chromium, its driver, openssl and the pip packages.
test-deps: deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else echo "Missing system packages:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi
	@$(PYTHON) -c "import selenium, axe_selenium_python, schemathesis, aiosmtpd, pytest, requests, websocket" 2>/dev/null || \
	  $(PYTHON) -m pip install -q -r Tests/e2e/requirements.txt

## Every test: the Swift suites, then the browser, SMTP and API-schema suites against the real binary.
test: test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(PYTHON) -m pytest Tests/e2e -q

swift-test: deps
	$(SWIFT) test

e2e: build
	$(PYTHON) -m pytest Tests/e2e -q

## Catalogue search over 20,000 services: p50/p99 per query kind beside references (release build).
bench: deps
	$(SWIFT) build -c release --product Bench
	.build/release/Bench 20000 DemoData/catalogue.json

## Messages over WebSockets, briefly (release build): persisted messages a second, ack and delivery
## latency (Benchmarks/load_messages.py; run it without arguments for 200 spaces at 300, 1000, 2000/s).
load: deps
	$(SWIFT) build -c release --product ohjaustila
	$(PYTHON) Benchmarks/load_messages.py --spaces 50 --rates 300,1000 --duration 5

## 10,000 signed-in idle WebSockets held through two heartbeats: server memory per connection.
idle-sockets: deps
	$(SWIFT) build -c release --product ohjaustila
	$(PYTHON) Benchmarks/idle_sockets.py

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build
