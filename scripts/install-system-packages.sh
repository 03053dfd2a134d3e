#!/usr/bin/env bash
# Debian packages the project uses: chromium (renders figures to PNG/SVG, headless),
# fonts-open-sans (the one font every figure names: text positions, and so every figure's bytes,
# depend on it), fontconfig (resolves it), parallel (GNU parallel: runs a study plan's jobs; the
# tests use it) and dataset-fashion-mnist (the four original data files).
# Installed only when missing; never a browser download. On a machine without apt, or without root,
# it says what to install instead.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v fc-match >/dev/null || missing+=(fontconfig)
command -v parallel >/dev/null || missing+=(parallel)
[ -f /usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf ] || missing+=(fonts-open-sans)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || [ -f "$(dirname "$0")/../data/train-images-idx3-ubyte.gz" ] \
  || missing+=(dataset-fashion-mnist)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "[system] no apt-get here: install ${missing[*]} by hand (Chromium at /usr/bin/chromium or set CHROMIUM_PATH)." >&2
  # The data set can still come from its official mirror (make data): only Chromium and the font are fatal.
  [[ " ${missing[*]} " == *" chromium "* || " ${missing[*]} " == *" fonts-open-sans "* ]] && exit 1 || exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "[system] installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
