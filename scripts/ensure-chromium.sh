#!/bin/sh
# Make sure Debian's chromium is installed for the dashboard's browser tests.
# The tests drive /usr/bin/chromium through Playwright for Python (never a downloaded
# browser). Installs the Debian package when it is missing; needs root (as CI runs) or sudo.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "ensure-chromium: /usr/bin/chromium is missing and this user cannot install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
