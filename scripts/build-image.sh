#!/usr/bin/env bash
# make image: builds the Dockerfile with podman on this machine, then proves the image inside
# itself (scripts/image-check.Dockerfile: make check-figures as a build step), and writes what it
# measured to .cache/image/report.md (the CPU, the build's and the check's wall time, the image's size).
#   scripts/build-image.sh [IMAGE]     (default lenet5-fashion-mnist)
# The Dockerfile's base, node:22-bookworm-slim, is taken from podman's local images; where there is
# none and none can be pulled, scripts/make-base-image.sh makes a stand-in of it from packages.
# podman runs its build steps with --isolation=chroot, which needs no container runtime features.
# IMAGE_BUILD_OPTIONS adds options to the image's build (e.g. --no-cache, for a build from scratch).
set -euo pipefail
image=${1:-lenet5-fashion-mnist}
build_options=${IMAGE_BUILD_OPTIONS:-}
base=node:22-bookworm-slim
project_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$project_dir"
report=.cache/image/report.md
log_dir=.cache/image
mkdir -p "$log_dir"
say() { printf '[image] %s\n' "$*" >&2; }

bash scripts/install-container-tools.sh
base_note="pulled or present"
if ! podman image exists "$base"; then
  say "no $base here: trying to pull it ..."
  if ! timeout 300 podman pull --quiet "$base" >/dev/null 2>"$log_dir/pull.log"; then
    say "cannot pull $base ($(tail -1 "$log_dir/pull.log")): making a stand-in from packages"
    bash scripts/make-base-image.sh "$base"
    base_note="a stand-in made here by scripts/make-base-image.sh (Debian bookworm minbase, Node.js 22.23.5, npm 10.9.4, user node 1000)"
  fi
fi

# Where this machine reaches the registries through a TLS-intercepting proxy (its CA bundle named by
# NODE_EXTRA_CA_CERTS), the build's steps trust the same bundle: mounted read-only for the build only.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  build_options="$build_options --volume $NODE_EXTRA_CA_CERTS:/run/build-ca/ca.crt:ro --build-arg NODE_EXTRA_CA_CERTS=/run/build-ca/ca.crt --build-arg PIP_CERT=/run/build-ca/ca.crt"
fi

# elapsed COMMAND...: runs it, prints its wall time in seconds, and returns its exit status.
elapsed() { local start=$SECONDS status=0; "$@" || status=$?; echo $((SECONDS - start)); return "$status"; }

say "building $image from the Dockerfile (log: $log_dir/build.log) ..."
build_seconds=$(elapsed sh -c "podman build --isolation=chroot --pull=never $build_options -t '$image' . >'$log_dir/build.log' 2>&1") \
  || { tail -30 "$log_dir/build.log" >&2; say "the build failed; the whole log: $log_dir/build.log"; exit 1; }
size=$(podman image inspect --format '{{.Size}}' "$image")
say "built in ${build_seconds} s, $((size / 1000000)) MB; now make check-figures inside it (log: $log_dir/check.log) ..."
check_status=0
check_seconds=$(elapsed sh -c "podman build --isolation=chroot --pull=never --no-cache --build-arg IMAGE='$image' \
  -f scripts/image-check.Dockerfile scripts >'$log_dir/check.log' 2>&1") || check_status=$?
[ "$check_status" -eq 0 ] && verdict="passed" || verdict="FAILED (exit $check_status)"

cat >"$report" <<REPORT
# The container image, built and checked on this machine

Written by \`make image\` (scripts/build-image.sh) on $(date -u '+%Y-%m-%d %H:%M UTC').

- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; $(podman --version)
- base image \`$base\`: $base_note
- \`podman build --isolation=chroot --pull=never ${build_options}\` of the Dockerfile (\`make setup\` inside it): ${build_seconds} s
- image \`$image\`: $((size / 1000000)) MB ($(podman image inspect --format '{{len .RootFS.Layers}}' "$image") layers)
- \`make check-figures\` inside the image (scripts/image-check.Dockerfile, a build step): ${verdict}, ${check_seconds} s

The last lines of the check:

\`\`\`
$(grep -v '^\s*$' "$log_dir/check.log" | tail -15)
\`\`\`
REPORT
say "wrote $report: make check-figures inside the image $verdict"
[ "$check_status" -eq 0 ]
