#!/usr/bin/env bash
# The server's benchmarks, with qdb-loadgen (a Swift load generator: a
# Python one tops out well below the server). Each prints a summary and
# writes JSON; figures are medians, compared with a baseline measured in
# the same run and with the targets (10,000 sessions at <= 20 KiB each;
# >= 100,000 messages/s relayed from tracers to clients).
#
#   capacity  sessions of a tracer and a client each, held at once: the
#             server's RSS per session (RSS with them minus RSS idle)
#   relay     100 sessions streaming: messages/s delivered to clients,
#             against a reference relay that forwards without parsing
#
# Usage: bench/server.sh [BIN_DIR [OUT_DIR]]
#   BIN_DIR  holds qdb-server and qdb-loadgen (default .build/release;
#            build with `swift build -c release`)
#   OUT_DIR  gets server-capacity.json, server-relay*.json (default
#            bench-results)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release}
out=${2:-bench-results}
mkdir -p "$out"
loadgen=$bin/qdb-loadgen

"$loadgen" capacity --sessions 10000 --json "$out/server-capacity.json"
echo
"$loadgen" relay --sessions 100 --payload mixed --json "$out/server-relay.json"
echo
"$loadgen" relay --sessions 100 --clients-per-session 3 --payload mixed --json "$out/server-relay-broadcast.json"
