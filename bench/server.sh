#!/usr/bin/env bash
# The server's benchmarks, run with qdb-loadgen (a Swift load generator; one
# in Python tops out below the server). Each prints a summary and writes
# JSON. Rates are medians of 1-second intervals; every figure comes with a
# baseline measured in the same run and a ratio to its target (10,000
# sessions at <= 20 KiB each; >= 100,000 messages/s from tracers to
# clients).
#
#   capacity        sessions of a tracer and a client each, held at once:
#                   the server's RSS per session (RSS with them minus RSS
#                   idle). The machine's open-file limit may hold it a few
#                   sessions below 10,000; the summary says so.
#   capacity-burst  the same after each tracer sent 64 KiB of output (a
#                   program that printed a lot before stopping)
#   relay           100 sessions streaming: messages/s delivered to
#                   clients, against a reference relay that forwards without
#                   parsing JSON; also the server's CPU time per message
#   relay-broadcast the same with 3 clients per session
#
# Usage: bench/server.sh [BIN_DIR [OUT_DIR]]
#   BIN_DIR  holds qdb-server and qdb-loadgen (default .build/release;
#            `swift build -c release` builds both)
#   OUT_DIR  gets server-*.json (default bench-results)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release}
out=${2:-bench-results}
mkdir -p "$out"
loadgen=$bin/qdb-loadgen
server=$bin/qdb-server

"$loadgen" capacity --server "$server" --sessions 10000 --json "$out/server-capacity.json"
echo
"$loadgen" capacity --server "$server" --sessions 10000 --burst 64 --json "$out/server-capacity-burst.json"
echo
"$loadgen" relay --server "$server" --sessions 100 --json "$out/server-relay.json"
echo
"$loadgen" relay --server "$server" --sessions 100 --clients-per-session 3 --json "$out/server-relay-broadcast.json"
