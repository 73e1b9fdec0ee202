#!/usr/bin/env bash
# Builds qdb for one interpreter and runs its tests: every test with
# --all, otherwise those that involve the tracer (its embedded-CPython
# tests and the end-to-end tests), then the Python package's own tests.
# Prints one closing line with the version and the test counts, and adds
# it to the file $QDB_TEST_SUMMARY names, if any.
#
#   tools/test-python.sh [--all] PYTHON
set -euo pipefail
cd "$(dirname "$0")/.."
filter=(--filter 'QdbTracerTests|EndToEndTests')
if [ "${1:-}" = --all ]; then
    filter=()
    shift
fi
python=$1
swift=${SWIFT:-swift}
if ! version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'); then
    echo "test-python.sh: $python was asked for and does not run" >&2
    exit 1
fi
short=${version%.*}
build=.build-py$short
extension=.build-ext-py$short
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== qdb with Python $version ($python)"
export QDB_PYTHON=$python
"$swift" build --build-tests --scratch-path "$build"
"$swift" build --product _qdb -Xswiftc -static-stdlib --scratch-path "$extension"
QDB_EXTENSION=$PWD/$extension/debug/lib_qdb.so QDB_TEST_PYTHON=$python \
    "$swift" test --skip-build --scratch-path "$build" ${filter[@]+"${filter[@]}"} 2>&1 | tee "$log"
swift_tests=$(sed -n 's/.*Test run with \([0-9]*\) tests.* passed.*/\1/p' "$log" | tail -1)
"$build/debug/qdb-python" -m unittest discover -s python/tests -t python 2>&1 | tee "$log"
python_tests=$(sed -n 's/^Ran \([0-9]*\) tests.*/\1/p' "$log")
result="Python $version: ${swift_tests:-?} Swift tests and ${python_tests:-?} Python tests passed"
echo "== $result"
if [ -n "${QDB_TEST_SUMMARY:-}" ]; then
    echo "$result" >>"$QDB_TEST_SUMMARY"
fi
