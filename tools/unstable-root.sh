#!/usr/bin/env bash
# Tests qdb with CPython 3.14 on a machine that cannot install it (Debian 12
# stops at 3.11, pyenv here at 3.13): a Debian unstable root, made with
# debootstrap, holds python3.14; this machine's Swift toolchain, its
# package mirror and the work folder are bind-mounted into it at their own
# paths. Inside, tools/test-python.sh runs the tracer's and the Python
# package's tests, then, where ../shared/conformance exists, the protocol
# conformance suite.
#
#   tools/unstable-root.sh [PYTHON]    (default python3.14; needs root)
#
# The root is made in a new folder and removed at the end. With
# QDB_UNSTABLE_ROOT=DIR it is made in DIR only if DIR has no PYTHON yet,
# and kept, for the next run.
#
# Safety: every mount is undone in the EXIT trap before anything under the
# root is removed, and the root is removed only if nothing is mounted under
# it any more: `rm -rf` across a live bind mount deletes the host's files.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$PWD
python=${1:-python3.14}
suite=unstable
mirror_url=${QDB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=(
    "$python" "$python-dev" "$python-venv" gcc g++ libc6-dev git gdb libedit-dev emacs-nox
    # What the Swift toolchain loads.
    libcurl4t64 libxml2 libsqlite3-0
)

if [ "$(id -u)" != 0 ]; then
    echo "unstable-root.sh: needs root (debootstrap, chroot, mount)" >&2
    exit 1
fi
swift=$(readlink -f "$(command -v swift)")
toolchain=${swift%/usr/bin/*}
# The Swift package mirror: where git's url.*.insteadOf sends github.com.
mirror=$(git config --get-regexp '^url\..*\.insteadof$' | sed -n 's/^url\.\(.*\)\.insteadof .*/\1/p' | head -1)
mirror=${mirror%/}
shared=$(dirname "$work")/shared

if [ -n "${QDB_UNSTABLE_ROOT:-}" ]; then
    root=$QDB_UNSTABLE_ROOT
    keep=1
else
    root=$(mktemp -d /var/tmp/qdb-unstable-root.XXXXXX)
    # mktemp's 0700 would be the root's /, which other users (the tests
    # run some programs as nobody) must be able to enter.
    chmod 755 "$root"
    keep=0
fi
mounted=()

cleanup() {
    local status=$? index
    for ((index = ${#mounted[@]} - 1; index >= 0; index--)); do
        umount "${mounted[index]}" || umount -l "${mounted[index]}" || true
    done
    if grep -q " $root/" /proc/mounts; then
        echo "unstable-root.sh: something is still mounted under $root; it is left in place" >&2
        exit 1
    fi
    if [ "$keep" = 0 ]; then
        rm -rf --one-file-system "$root"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$root/usr/bin/$python" ]; then
    echo "== a Debian $suite root with $python in $root"
    debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
        "$suite" "$root" "$mirror_url" >"$root.log" 2>&1 || {
        tail -20 "$root.log" >&2
        exit 1
    }
    rm -f "$root.log"
fi

bind() {
    mkdir -p "$root$1"
    mount --bind "$1" "$root$1"
    mounted+=("$root$1")
    # Where / is a shared mount (systemd's default), what is mounted under
    # this bind would also appear under the host's folder.
    mount --make-private "$root$1"
}
mount -t proc proc "$root/proc"
mounted+=("$root/proc")
# The pty tests need the host's /dev/ptmx and /dev/pts together.
bind /dev
bind /dev/pts
bind "$toolchain"
[ -n "$mirror" ] && [ -d "$mirror" ] && bind "$mirror"
bind "$work"
[ -d "$shared/conformance" ] && bind "$shared"

# git's, pip's and TLS's settings, as this machine has them.
for file in /etc/gitconfig /etc/gitignore /etc/pip.conf /etc/resolv.conf /etc/ssl/certs/ca-certificates.crt \
    "$HOME/.gitconfig" "$HOME/.config/pip/pip.conf"; do
    if [ -f "$file" ]; then
        mkdir -p "$root$(dirname "$file")"
        cp "$file" "$root$file"
    fi
done

# A kept root made with an older list of packages gets the missing ones.
if ! chroot "$root" dpkg -s "${packages[@]}" >/dev/null 2>&1; then
    # The mirror's Release file may be older than its Valid-Until here.
    chroot "$root" apt-get -o Acquire::Check-Valid-Until=false update -qq
    chroot "$root" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# The tests run `python3`: here, the one python the root has.
ln -sf "/usr/bin/$python" "$root/usr/local/bin/python3"

# chroot starts in /: the tests run from the work folder. dap-python (for
# the DAP tests) has compiled parts, so it is installed for this python
# (make deps installs pytest, which is pure Python, for every version).
tools=.build-tools-$python
inside=(
    "cd '$work'"
    "[ -d $tools/dap ] || { $python -m venv /root/pip && /root/pip/bin/pip install --quiet --target $tools 'dap-python==0.5.0'; }"
    "export QDB_TEST_SITE='$work/.build-test-site' QDB_TEST_TOOLS='$work/$tools' QDB_TEST_TOOLS_PYTHON=$python"
    "tools/test-python.sh $python"
)
if [ -d "$shared/conformance" ]; then
    version=$(chroot "$root" "$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    inside+=("echo '== conformance with Python $version'" "PYTHON=$python tools/conformance.sh .build-py$version/debug")
fi
chroot "$root" /usr/bin/env -i HOME="$HOME" LANG=C.UTF-8 TERM=dumb \
    PATH="$toolchain/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    bash -c "set -e; $(IFS=';'; echo "${inside[*]}")"
