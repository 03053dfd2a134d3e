#!/usr/bin/env bash
# Debian packages that build the project's container image on this machine (make image): podman
# (builds the Dockerfile; no Docker engine needed) and mmdebstrap (makes a local stand-in for the
# Dockerfile's public base image where public registries cannot be reached). Installed only when
# missing, with sudo when not root.
set -euo pipefail
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "[container] no apt-get here: install ${missing[*]} by hand (or build the Dockerfile with Docker)" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "[container] installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
