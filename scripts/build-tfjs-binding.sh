#!/usr/bin/env bash
# Builds tfjs-node's native binding against the libtensorflow in PACKAGE_DIR/deps (node-pre-gyp,
# from source), logging to LOG. Called by scripts/provision-tensorflow.sh.
#
#   scripts/build-tfjs-binding.sh PACKAGE_DIR LOG [--configure-only]
#
# node-gyp's make generator writes include and library folders unquoted (`-I/a path/deps/include`
# splits in two), so a package whose path holds a space cannot build in place. Then the build runs in
# a temporary folder whose path has none — a copy of the package's small build files, its deps/
# linked — and the built binding is copied back into PACKAGE_DIR/lib/. The binding finds its
# libraries relative to itself ($ORIGIN/../../deps/lib), so where it was built does not matter.
# --configure-only stops after node-gyp has written the makefiles, and prints the folder they are
# in (the caller removes it if it is not PACKAGE_DIR): for the test of this script.
# Exit status: 0 when built, 1 when the build failed (the log says why).
set -uo pipefail

package_dir=$1
log=$2
configure_only=${3:-}
project_dir=$(cd "$(dirname "$0")/.." && pwd)
node_pre_gyp="$project_dir/node_modules/.bin/node-pre-gyp"

build_dir=$package_dir
stage=""
if [[ "$package_dir" == *[[:space:]]* ]]; then
  stage=$(TMPDIR=/tmp mktemp -d /tmp/tfjs-node-build.XXXXXX) || exit 1
  trap 'rm -rf "$stage"' EXIT
  cp -R "$package_dir/package.json" "$package_dir/binding.gyp" "$package_dir/binding" "$stage/"
  ln -s "$package_dir/deps" "$stage/deps"
  build_dir=$stage
fi

if [ "$configure_only" = "--configure-only" ]; then
  (cd "$build_dir" && "$node_pre_gyp" configure >"$log" 2>&1) || exit 1
  [ -n "$stage" ] && trap - EXIT   # the caller reads the makefile, then removes the folder
  echo "$build_dir"
  exit 0
fi

(cd "$build_dir" && "$node_pre_gyp" install --build-from-source >"$log" 2>&1) || exit 1
if [ -n "$stage" ]; then
  mkdir -p "$package_dir/lib"
  cp -R "$stage/lib/." "$package_dir/lib/" || exit 1
fi
exit 0
