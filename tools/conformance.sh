#!/usr/bin/env bash
# Replays ../shared/conformance (transcripts recorded from the original qdb)
# against this project's binaries in BIN_DIR (default .build/debug): its
# qdb-server, and its qdb-python as the tracer.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cd "${1:-.build/debug}" && pwd)
../shared/conformance/compare.sh 18002 18001 \
    "$bin/qdb-python -m qdb --host {host} --port {tracer_port} --uuid {uuid} --auth {auth} {debuggee}" \
    "$bin/qdb-server --tracer-port {tracer_port} --client-port {client_port} {server_opts}"
