# qdb: a remote debugger for Python, in Swift.
#
#   make demo   install everything (Debian packages, binaries, the Python
#               package) and debug an example with qdb-cli
#   make test   build and run every test (Swift, end-to-end, Python style)
#   make bench  speed and capacity benchmarks (release build)
#
# PREFIX is where binaries go; PYTHON is the python3 that gets the `qdb`
# package and its `_qdb` extension module.

PREFIX ?= /usr/local
PYTHON ?= python3
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The extension module links the Swift runtime statically, so it is built
# with its own flags in its own build folder.
EXTENSION_FLAGS := --product _qdb -Xswiftc -static-stdlib --scratch-path .build-ext
BINARIES := qdb-server qdb-python qdb-cli
SITE_PACKAGES = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

.PHONY: deps build extension install demo test lint conformance bench clean

# The Debian packages the build and the tests need; apt runs only when one
# is missing.
PACKAGES := python3-dev libedit-dev pycodestyle pyflakes3

deps:
	@dpkg -s $(PACKAGES) >/dev/null 2>&1 || { \
		$(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends $(PACKAGES); }

build:
	$(SWIFT) build -c release

extension:
	$(SWIFT) build -c release $(EXTENSION_FLAGS)

install: deps build extension
	$(SUDO) install -d $(PREFIX)/bin $(PREFIX)/lib/qdb/python
	$(SUDO) install -m 755 $(addprefix .build/release/,$(BINARIES)) $(PREFIX)/bin/
	$(SUDO) rm -rf $(PREFIX)/lib/qdb/python/qdb
	$(SUDO) cp -r python/qdb $(PREFIX)/lib/qdb/python/qdb
	$(SUDO) rm -rf $(SITE_PACKAGES)/qdb
	$(SUDO) cp -r python/qdb $(SITE_PACKAGES)/qdb
	$(SUDO) install -m 755 .build-ext/release/lib_qdb.so $(SITE_PACKAGES)/qdb/_qdb.so
	@echo "qdb installed: $(addprefix $(PREFIX)/bin/,$(BINARIES)), and 'import qdb' for $(PYTHON)"

demo: install
	$(PREFIX)/bin/qdb-cli run examples/primes.py 30

test: deps
	$(SWIFT) build
	$(SWIFT) build $(EXTENSION_FLAGS)
	QDB_EXTENSION=$(CURDIR)/.build-ext/debug/lib_qdb.so $(SWIFT) test
	.build/debug/qdb-python -m unittest discover -s python/tests -t python
	$(MAKE) lint

lint:
	pycodestyle python bench
	pyflakes3 python bench

conformance:
	tools/conformance.sh .build/debug

bench:
	$(SWIFT) build -c release
	$(SWIFT) build -c release $(EXTENSION_FLAGS)
	$(PYTHON) bench/run.py --bin .build/release
	bench/server.sh .build/release bench-results

clean:
	rm -rf .build .build-ext
