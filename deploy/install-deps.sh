#!/usr/bin/env bash
# Installs what fluoroaudit needs to build, test and run on Debian 12 (bookworm).
# Safe to run again: apt-get only installs what is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config
  libdcmtk-dev dcmtk
  libpoco-dev
  libsqlite3-dev libssl-dev
  libpq-dev postgresql
  libcli11-dev libcsv-dev libpcre3-dev libsystemd-dev tzdata
  libgtest-dev libgmock-dev googletest libbenchmark-dev clang orthanc orthanc-dev chromium fonts-noto-cjk openssl
  rsyslog rsyslog-openssl libxml2-utils curl libxlsxwriter-dev unzip sqlite3
  dpkg-dev lintian
  libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-chi-sim imagemagick
)

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

# Node.js and npm build the web UI (front-end libraries from the npm registry, at build time only).
# Debian's packages unless a Node.js with npm is installed already (e.g. from NodeSource).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
