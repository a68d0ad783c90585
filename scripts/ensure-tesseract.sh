#!/bin/sh
# Make sure Debian's Tesseract OCR engine (and its English data) is installed for the
# compliance area, which reads the text of posted images (commission statements,
# paycheck screenshots) through pytesseract. Installs the Debian package when it is
# missing; needs root (as CI runs) or sudo.
set -eu
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "ensure-tesseract: tesseract is missing and this user cannot install it" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng >/dev/null
tesseract --version | head -n 1
