#!/bin/sh
# Make sure Debian packages are installed: `sh scripts/ensure-debian.sh [--have CHECK] PKG...`
#
# CHECK is a shell command that succeeds when what the packages provide is already there
# (without it: dpkg reports every PKG installed). Only when the check fails are the
# packages installed with apt-get, which needs root (as CI runs) or sudo; the check must
# pass afterwards. The Makefile uses it for Debian's chromium (the dashboard's browser
# tests drive /usr/bin/chromium through Playwright for Python, never a downloaded
# browser) and for Tesseract with its English data (the compliance area reads the text
# of posted images through pytesseract).
set -eu
have=""
if [ "${1:-}" = "--have" ]; then
    [ "$#" -ge 2 ] || { echo "ensure-debian: --have needs a command" >&2; exit 2; }
    have="$2"
    shift 2
fi
if [ "$#" -eq 0 ]; then
    echo "usage: sh scripts/ensure-debian.sh [--have CHECK] PKG..." >&2
    exit 2
fi

present() {
    if [ -n "$have" ]; then
        sh -c "$have"
        return
    fi
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q " installed$" || return 1
    done
}

if present "$@"; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "ensure-debian: $* missing and this user cannot install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
if ! present "$@"; then
    echo "ensure-debian: installed $* but the check still fails: $have" >&2
    exit 1
fi
dpkg-query -W "$@"
