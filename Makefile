# Swiftcorn: `make run` starts the demo server, `make test` runs every test.
# Both install what a fresh Debian 12 machine with Swift 6.3 lacks.

SYSTEM_PACKAGES := libsystemd-dev zlib1g-dev systemd curl wrk procps gzip prometheus python3-pip logrotate
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_BUILD_FLAGS ?=

.PHONY: run test build build-release deps journald lint bench clean

run: build-release
	.build/release/swiftcorn -c Config/swiftcorn.yaml

test: deps journald
	swift build $(SWIFT_BUILD_FLAGS)
	swift test --no-parallel $(SWIFT_BUILD_FLAGS)
	Tests/ops/run.sh

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

# The Swift runtime linked in: calls into it are direct instead of through the PLT (about a
# tenth of a worker's user CPU), and a forked worker maps, faults in and unmaps fewer pages
# (about a tenth of the CPU a worker replacement costs).
build-release: deps
	swift build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

# Installs the Debian packages that are missing, and only those; then PyPI's prometheus_client
# (the metrics tests' OpenMetrics parser) for the python3 on PATH, if it cannot import it.
# Debian's own python3 refuses a plain pip install (PEP 668), hence the second try.
deps:
	@missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus_client \
		|| python3 -m pip install -q --break-system-packages prometheus_client

# Tests log to a real journald; without systemd as PID 1 (CI, containers), start one directly.
# It takes no arguments: any argument would be read as a journal namespace.
journald: deps
	@if ! pgrep -x systemd-journal >/dev/null 2>&1; then \
		echo "starting systemd-journald"; \
		mkdir -p /run/systemd/journal /var/log/journal; \
		(setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &); \
		for i in $$(seq 1 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done; \
	fi

lint:
	swift format lint --recursive --strict Package.swift Sources Tests Benchmarks/hummingbird-hello

bench: build-release
	Benchmarks/http.sh

clean:
	rm -rf .build
