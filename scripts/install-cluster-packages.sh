#!/usr/bin/env bash
# Debian packages for the scale-out tests and recipes (README, "Beyond one machine"): Slurm's
# controller, node daemon and client (slurmctld, slurmd, slurm-client) with munge (Slurm's
# authentication), and OpenSSH's server (GNU parallel's multi-host recipe, run against this machine
# as a second host). Installed only when missing. Nothing is started or enabled: the tests start
# their own private daemons on high ports with configuration in a temporary folder, and stop them.
# Exit status: 0 when everything is there; 3, with one line saying why, when it cannot be installed
# here (no apt-get, or neither root nor password-less sudo): the tests then skip with that line.
set -euo pipefail
missing=()
for tool in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge sshd:openssh-server; do
  command -v "${tool%%:*}" >/dev/null || [ -x "/usr/sbin/${tool%%:*}" ] || missing+=("${tool#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "[cluster] no apt-get here: install ${missing[*]} by hand" >&2
  exit 3
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || { echo "[cluster] not root and no password-less sudo: cannot install ${missing[*]}" >&2; exit 3; }
  sudo="sudo -n"
fi
echo "[cluster] installing Debian packages: ${missing[*]}" >&2
# Keep the packages' own services from starting (munge, ssh, slurmd would start system-wide daemons
# on their standard ports): a policy-rc.d that refuses, only for the installation, and only if none exists.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && own_policy=true
fi
trap '$own_policy && $sudo rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
