# qdb: a remote debugger for Python, in Swift.
#
#   make demo   install everything (Debian packages, binaries, the Python
#               package) and debug an example with qdb-cli
#   make test   build and run every test (Swift, end-to-end, Python style)
#               with every CPython found (see QDB_TEST_PYTHONS)
#   make test-3.14  the tracer's tests with CPython 3.14, in a Debian
#               unstable root
#   make bench  speed and capacity benchmarks (release build)
#
# PYTHON is the CPython that qdb is built for: qdb-python embeds it, and it
# gets the `qdb` package with its `_qdb` extension module (`make install
# PYTHON=python3.12`). Each interpreter builds in its own folders,
# .build-pyX.Y and .build-ext-pyX.Y, since the tracer is compiled against
# its C API. PREFIX is where binaries go.

PREFIX ?= /usr/local
PYTHON ?= python3
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The interpreters `make test` and `make conformance` use: PYTHON, then one
# of each other CPython version found on PATH or in pyenv. The first runs
# every test; the others the tracer's and the end-to-end tests.
QDB_TEST_PYTHONS ?= $(shell tools/pythons.sh $(PYTHON))
# The interpreters `make bench` measures.
QDB_BENCH_PYTHONS ?= $(QDB_TEST_PYTHONS)

PYTHON_VERSION = $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
BUILD = .build-py$(PYTHON_VERSION)
EXTENSION_BUILD = .build-ext-py$(PYTHON_VERSION)
EXTENSION_SUFFIX = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
SITE_PACKAGES = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# The extension module links the Swift runtime statically, so it is built
# with its own flags in its own build folder.
EXTENSION_FLAGS = --product _qdb -Xswiftc -static-stdlib --scratch-path $(EXTENSION_BUILD)
BINARIES := qdb-server qdb-python qdb-cli qdb-dap
export QDB_PYTHON = $(PYTHON)
# What the tests take from PyPI, for PYTHON: dap-python, a DAP client
# written by others, to check qdb-dap against.
TEST_TOOLS = .build-tools-py$(PYTHON_VERSION)
export QDB_TEST_TOOLS = $(CURDIR)/$(TEST_TOOLS)
export QDB_TEST_TOOLS_PYTHON = $(PYTHON)
# Pure-Python packages the debugged test programs import, under every
# tested interpreter: pytest, for `-m pytest`.
TEST_SITE = .build-test-site
export QDB_TEST_SITE = $(CURDIR)/$(TEST_SITE)

.PHONY: deps build extension install demo test test-3.14 lint style conformance bench clean

# The Debian packages the build and the tests need; apt runs only when one
# is missing.
PACKAGES := python3-dev python3-pip libedit-dev pycodestyle pyflakes3 emacs-nox

deps:
	@dpkg -s $(PACKAGES) >/dev/null 2>&1 || { \
		$(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends $(PACKAGES); }
	@test -d $(TEST_TOOLS)/dap || $(PYTHON) -m pip install --quiet --no-warn-conflicts --root-user-action=ignore \
		--target $(TEST_TOOLS) 'dap-python==0.5.0'
	@test -d $(TEST_SITE)/pytest || $(PYTHON) -m pip install --quiet --no-warn-conflicts --root-user-action=ignore \
		--target $(TEST_SITE) 'pytest==9.0.3'

build:
	$(SWIFT) build -c release --scratch-path $(BUILD)

extension:
	$(SWIFT) build -c release $(EXTENSION_FLAGS)

install: deps build extension
	$(SUDO) install -d $(PREFIX)/bin $(PREFIX)/lib/qdb/python
	$(SUDO) install -m 755 $(addprefix $(BUILD)/release/,$(BINARIES)) $(PREFIX)/bin/
	$(SUDO) rm -rf $(PREFIX)/lib/qdb/python/qdb
	$(SUDO) cp -r python/qdb $(PREFIX)/lib/qdb/python/qdb
	$(SUDO) rm -rf $(SITE_PACKAGES)/qdb
	$(SUDO) cp -r python/qdb $(SITE_PACKAGES)/qdb
	$(SUDO) install -m 755 $(EXTENSION_BUILD)/release/lib_qdb.so $(SITE_PACKAGES)/qdb/_qdb$(EXTENSION_SUFFIX)
	@echo "qdb installed: $(addprefix $(PREFIX)/bin/,$(BINARIES)), and 'import qdb' for $(PYTHON)"

demo: install
	$(PREFIX)/bin/qdb-cli run examples/primes.py 30

test: deps
	@test -n "$(QDB_TEST_PYTHONS)" || { echo "make test: no python found" >&2; exit 1; }
	@summary=$$(mktemp); first=--all; \
	for python in $(QDB_TEST_PYTHONS); do \
		QDB_TEST_SUMMARY=$$summary tools/test-python.sh $$first $$python || { rm -f $$summary; exit 1; }; \
		first=; \
	done; echo; cat $$summary; rm -f $$summary
	$(MAKE) lint

# CPython 3.14, which neither Debian 12 nor pyenv installs here: the
# tracer's and the Python package's tests, and the conformance suite, in a
# Debian unstable root that has python3.14 (tools/unstable-root.sh: root
# and debootstrap; about 5 minutes here, the root made in under one).
test-3.14: deps
	@command -v debootstrap >/dev/null || { \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends debootstrap; }
	$(SUDO) tools/unstable-root.sh python3.14

lint:
	pycodestyle python bench setup.py
	pyflakes3 python bench setup.py
	@# Byte-compiled in a scratch folder, so no .elc lands in the tree.
	@scratch=$$(mktemp -d) && cp editors/emacs/qdb.el $$scratch/ && \
	emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' \
		-f batch-byte-compile $$scratch/qdb.el; status=$$?; rm -rf $$scratch; exit $$status

# The original qdb's name for the linters.
style: lint

# The protocol conformance suite (../shared/conformance) with the tracer of
# each test interpreter.
conformance:
	@for python in $(QDB_TEST_PYTHONS); do \
		version=$$($$python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
		echo "== conformance with Python $$version"; \
		QDB_PYTHON=$$python $(SWIFT) build --scratch-path .build-py$$version --product qdb-python && \
		QDB_PYTHON=$$python $(SWIFT) build --scratch-path .build-py$$version --product qdb-server && \
		tools/conformance.sh .build-py$$version/debug || exit 1; \
	done

bench: build
	@for python in $(QDB_BENCH_PYTHONS); do $(MAKE) --no-print-directory extension PYTHON=$$python || exit 1; done
	$(PYTHON) bench/run.py --bin $(BUILD)/release --pythons $(QDB_BENCH_PYTHONS)
	bench/server.sh $(BUILD)/release bench-results

clean:
	rm -rf .build .build-py* .build-ext* .build-tools-py* $(TEST_SITE)
