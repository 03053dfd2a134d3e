#!/usr/bin/env bash
# Give @tensorflow/tfjs-node its native libtensorflow and a compiled binding, then prove it works.
#
# Sources, tried in this order (each is skipped once the binding passes the check):
#   0. TFJS_LIBTENSORFLOW_DIR: a directory you supply with lib/libtensorflow*.so* and include/tensorflow/c
#   1. the tensorflow-cpu 2.21.0 wheel from PyPI (pip download, never installed; SHA-256 checked): its
#      libtensorflow_cc.so.2, libtensorflow_framework.so.2 and C headers, with the binding built from
#      source by node-gyp
#   2. TensorFlow Java's native artifact from Maven (org.tensorflow:tensorflow-core-native,
#      classifier linux-x86_64; SHA-256 checked), which carries the same two libraries; headers
#      still come from 1.
#   3. tfjs-node's own installer (downloads libtensorflow 2.9.1 and a prebuilt binding; open networks)
# Idempotent: a binding that already passes the check is left alone.
# TFJS_PROVISION_SOURCES limits the automatic sources, tried in the order above (default "wheel maven download": the
# pinned and verified libtensorflow 2.21.0 first, the one every committed run was trained with, since
# the library's version is part of every run's cache key; tfjs-node's own 2.9.1 download last);
# e.g. TFJS_PROVISION_SOURCES="maven" proves the Maven fallback (it still needs the wheel's headers).
set -uo pipefail

project_dir=$(cd "$(dirname "$0")/.." && pwd)
package_dir="$project_dir/node_modules/@tensorflow/tfjs-node"
cache_dir="$project_dir/.cache"
wheel_spec="tensorflow-cpu==2.21.0"
# The exact files used, and their SHA-256: the native libraries that do all the arithmetic are
# verified before use like the data files. The wheel is asked for by its tags (CPython 3.11,
# manylinux 2.27, x86-64), so every machine fetches this one file whatever its own Python.
wheel_file="tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl"
wheel_sha256="2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c"
maven_artifact="org.tensorflow:tensorflow-core-native:1.1.0:jar:linux-x86_64"
maven_file="tensorflow-core-native-1.1.0-linux-x86_64.jar"
maven_sha256="81b0e11290ba3b2e134901395ef59f1ae616f8ab7931f0d5c3eeb89c1b97c4e6"
# A function, not a string: the project's path may hold a space.
check() { node "$project_dir/dist/lib/cli/check-backend.js" "$@"; }
tried=()
sources=" ${TFJS_PROVISION_SOURCES:-wheel maven download} "
wants() { [[ "$sources" == *" $1 "* ]]; }

say() { printf '[provision-tensorflow] %s\n' "$*" >&2; }

# verified FILE SHA256: exits non-zero (with one message) unless FILE has that SHA-256.
verified() {
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$actual" = "$2" ] && return 0
  say "$(basename "$1") has SHA-256 $actual, expected $2: refusing to use it (delete it to download it again)."
  return 1
}

if [ ! -d "$package_dir" ]; then
  say "node_modules/@tensorflow/tfjs-node is missing: run 'npm install' first (make does this)."
  exit 1
fi

if check --quiet 2>/dev/null; then
  say "native backend already provisioned and verified."
  exit 0
fi

# node-gyp downloads Node's headers unless told where they are; Debian/NodeSource keep them in /usr.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi

# Set when a build of the binding failed: the network is then not the problem, and the last message says so.
build_failed=""

build_binding() {
  # (scripts/build-tfjs-binding.sh builds in a folder without spaces when the project's path has one.)
  bash "$project_dir/scripts/build-tfjs-binding.sh" "$package_dir" "$cache_dir/node-gyp.log" && return 0
  build_failed="$cache_dir/node-gyp.log"
  say "building the binding failed (node-gyp: $(grep -m1 -iE 'error' "$cache_dir/node-gyp.log" || echo 'see the log')); see $cache_dir/node-gyp.log"
  return 1
}

link_library_names() {
  ln -sf libtensorflow_cc.so.2 "$package_dir/deps/lib/libtensorflow.so"
  ln -sf libtensorflow_framework.so.2 "$package_dir/deps/lib/libtensorflow_framework.so"
}

mkdir -p "$cache_dir"

# 0. A libtensorflow the user already has.
if [ -n "${TFJS_LIBTENSORFLOW_DIR:-}" ]; then
  tried+=("TFJS_LIBTENSORFLOW_DIR=$TFJS_LIBTENSORFLOW_DIR")
  if [ -d "$TFJS_LIBTENSORFLOW_DIR/lib" ] && [ -f "$TFJS_LIBTENSORFLOW_DIR/include/tensorflow/c/c_api.h" ]; then
    rm -rf "$package_dir/deps" && mkdir -p "$package_dir/deps"
    cp -a "$TFJS_LIBTENSORFLOW_DIR/lib" "$TFJS_LIBTENSORFLOW_DIR/include" "$package_dir/deps/"
    [ -e "$package_dir/deps/lib/libtensorflow.so" ] || link_library_names
    build_binding && check && exit 0
  else
    say "TFJS_LIBTENSORFLOW_DIR must hold lib/ (libtensorflow*.so*) and include/tensorflow/c/c_api.h."
  fi
fi

# 1. The tensorflow-cpu wheel (its headers serve the Maven libraries of step 2 too).
if wants wheel || wants maven; then
  tried+=("pip download $wheel_spec")
  say "fetching the $wheel_spec wheel (273 MB, not installed; only its C libraries and headers are used) ..."
  mkdir -p "$cache_dir/wheels"
  wheel="$cache_dir/wheels/$wheel_file"
  if [ ! -f "$wheel" ]; then
    python3 -m pip download --no-deps --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 \
      --platform manylinux_2_27_x86_64 -d "$cache_dir/wheels" "$wheel_spec" >"$cache_dir/pip-download.log" 2>&1
  fi
  [ -f "$wheel" ] && ! verified "$wheel" "$wheel_sha256" && exit 1
  [ -f "$wheel" ] || wheel=""
  if [ -n "$wheel" ]; then
    rm -rf "$package_dir/deps" && mkdir -p "$package_dir/deps"
    if python3 "$project_dir/scripts/extract-libtensorflow.py" "$wheel" "$package_dir/deps" "$package_dir/binding" >&2 && wants wheel \
       && say "building the binding against libtensorflow from $(basename "$wheel") ..." \
       && build_binding && check; then
      exit 0
    fi
  else
    say "pip could not download $wheel_spec; see $cache_dir/pip-download.log"
  fi
fi

# 2. TensorFlow Java's native artifact (libraries only; the headers come from the wheel's extraction).
# Not after a failed build: the same build would fail again with its libraries.
if [ -z "$build_failed" ] && wants maven && command -v mvn >/dev/null && [ -f "$package_dir/deps/include/tensorflow/c/c_api.h" ]; then
  tried+=("mvn $maven_artifact")
  say "trying TensorFlow Java's native libraries ($maven_artifact) ..."
  if mvn -q dependency:copy -Dartifact="$maven_artifact" -DoutputDirectory="$cache_dir/maven" >"$cache_dir/maven.log" 2>&1; then
    jar="$cache_dir/maven/$maven_file"
    verified "$jar" "$maven_sha256" || exit 1
    rm -rf "$package_dir/deps/lib" && mkdir -p "$package_dir/deps/lib"
    python3 - "$jar" "$package_dir/deps/lib" <<'PY'
import os, sys, zipfile
jar, lib_dir = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(jar) as archive:
    for name in archive.namelist():
        base = os.path.basename(name)
        if base.startswith(("libtensorflow_cc.so", "libtensorflow_framework.so")):
            with open(os.path.join(lib_dir, base), "wb") as sink:
                sink.write(archive.read(name))
PY
    link_library_names
    build_binding && check && exit 0
  else
    say "maven could not fetch $maven_artifact; see $cache_dir/maven.log"
  fi
fi

# 3. tfjs-node's own installer (last: its libtensorflow 2.9.1 is not the one the committed runs used).
# Not after a failed build either: its other libtensorflow would change every run's key, and hide the failure.
if [ -z "$build_failed" ] && wants download; then
  tried+=("tfjs-node's installer (libtensorflow 2.9.1 download)")
  say "trying tfjs-node's own libtensorflow download ..."
  if (cd "$package_dir" && timeout 900 node scripts/install.js >"$cache_dir/tfjs-node-install.log" 2>&1) && check; then
    say "using the libtensorflow that tfjs-node downloaded."
    exit 0
  fi
  say "tfjs-node's download failed ($(grep -m1 -o 'Error: .*' "$cache_dir/tfjs-node-install.log" || echo 'see .cache/tfjs-node-install.log'))."
fi

say "FAILED: no working native TensorFlow backend. Tried:"
for attempt in "${tried[@]}"; do say "  - $attempt"; done
if [ -n "$build_failed" ]; then
  # The libraries were there: what failed is the compiler's build of the binding, not a download.
  say "The build of tfjs-node's binding failed (a compiler or node-gyp problem, not the network): see $build_failed,"
  say "fix what it names (g++, make, python3, Node's headers), and run make native again."
  exit 1
fi
say "Next: put a libtensorflow 2.x install (lib/ and include/) somewhere and run"
say "  TFJS_LIBTENSORFLOW_DIR=/path/to/libtensorflow make native"
say "or check that pip can reach PyPI (python3 -m pip download --no-deps $wheel_spec)."
exit 1
