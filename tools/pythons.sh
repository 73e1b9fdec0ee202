#!/usr/bin/env bash
# The CPython interpreters to build and test qdb for, one path a line, one
# per minor version: FIRST (the python `make install` targets; default
# python3) first, then python3.11 to python3.14, the versions qdb supports,
# found on PATH or, failing that, the newest pyenv-installed release.
set -euo pipefail
first=${1:-python3}
version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

if ! first_version=$(version_of "$first"); then
    echo "pythons.sh: $first does not run" >&2
    exit 1
fi
command -v "$first"
seen=" $first_version "
for minor in 11 12 13 14; do
    [[ $seen == *" 3.$minor "* ]] && continue
    candidate=""
    if command -v "python3.$minor" >/dev/null && [ "$(version_of "python3.$minor")" = "3.$minor" ]; then
        candidate=$(command -v "python3.$minor")
    elif command -v pyenv >/dev/null; then
        release=$(pyenv versions --bare 2>/dev/null | grep -E "^3\.$minor\.[0-9]+$" | sort -t. -k3 -n | tail -1 || true)
        if [ -n "$release" ] && [ -x "$(pyenv root)/versions/$release/bin/python3.$minor" ]; then
            candidate="$(pyenv root)/versions/$release/bin/python3.$minor"
        fi
    fi
    if [ -n "$candidate" ]; then
        echo "$candidate"
        seen+="3.$minor "
    fi
done
