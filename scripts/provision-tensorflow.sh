#!/usr/bin/env bash
# Give @tensorflow/tfjs-node its native libtensorflow and a compiled binding, then prove it works.
#
# Sources, tried in this order (each is skipped once the binding passes the check):
#   0. TFJS_LIBTENSORFLOW_DIR: a directory you supply with lib/libtensorflow*.so* and include/tensorflow/c
#   1. tfjs-node's own installer (downloads libtensorflow 2.9.1 and a prebuilt binding; open networks)
#   2. the tensorflow-cpu wheel from PyPI (pip download, never installed): its libtensorflow_cc.so.2,
#      libtensorflow_framework.so.2 and C headers, with the binding built from source by node-gyp
#   3. TensorFlow Java's native artifact from Maven (org.tensorflow:tensorflow-core-native,
#      classifier linux-x86_64), which carries the same two libraries; headers still come from 2.
# Idempotent: a binding that already passes the check is left alone.
# TFJS_PROVISION_SOURCES limits and orders the automatic sources (default "download wheel maven");
# e.g. TFJS_PROVISION_SOURCES="maven" proves the Maven fallback (it still needs the wheel's headers).
set -uo pipefail

project_dir=$(cd "$(dirname "$0")/.." && pwd)
package_dir="$project_dir/node_modules/@tensorflow/tfjs-node"
cache_dir="$project_dir/.cache"
wheel_spec="tensorflow-cpu==2.21.0"
maven_artifact="org.tensorflow:tensorflow-core-native:1.1.0:jar:linux-x86_64"
check="node $project_dir/dist/lib/cli/check-backend.js"
tried=()
sources=" ${TFJS_PROVISION_SOURCES:-download wheel maven} "
wants() { [[ "$sources" == *" $1 "* ]]; }

say() { printf '[provision-tensorflow] %s\n' "$*" >&2; }

if [ ! -d "$package_dir" ]; then
  say "node_modules/@tensorflow/tfjs-node is missing: run 'npm install' first (make does this)."
  exit 1
fi

if $check --quiet 2>/dev/null; then
  say "native backend already provisioned and verified."
  exit 0
fi

# node-gyp downloads Node's headers unless told where they are; Debian/NodeSource keep them in /usr.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi

build_binding() {
  (cd "$package_dir" && "$project_dir/node_modules/.bin/node-pre-gyp" install --build-from-source >"$cache_dir/node-gyp.log" 2>&1) \
    || { say "node-gyp failed; see $cache_dir/node-gyp.log"; return 1; }
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
    build_binding && $check && exit 0
  else
    say "TFJS_LIBTENSORFLOW_DIR must hold lib/ (libtensorflow*.so*) and include/tensorflow/c/c_api.h."
  fi
fi

# 1. tfjs-node's own installer.
if wants download; then
  tried+=("tfjs-node's installer (libtensorflow 2.9.1 download)")
  say "trying tfjs-node's own libtensorflow download ..."
  if (cd "$package_dir" && timeout 900 node scripts/install.js >"$cache_dir/tfjs-node-install.log" 2>&1) && $check; then
    say "using the libtensorflow that tfjs-node downloaded."
    exit 0
  fi
  say "tfjs-node's download failed ($(grep -m1 -o 'Error: .*' "$cache_dir/tfjs-node-install.log" || echo 'see .cache/tfjs-node-install.log'))."
fi

# 2. The tensorflow-cpu wheel (its headers serve the Maven libraries of step 3 too).
if wants wheel || wants maven; then
  tried+=("pip download $wheel_spec")
  say "fetching the $wheel_spec wheel (273 MB, not installed; only its C libraries and headers are used) ..."
  mkdir -p "$cache_dir/wheels"
  wheel=$(ls "$cache_dir"/wheels/tensorflow_cpu-*.whl 2>/dev/null | head -n 1)
  if [ -z "$wheel" ]; then
    python3 -m pip download --no-deps --only-binary=:all: -d "$cache_dir/wheels" "$wheel_spec" >"$cache_dir/pip-download.log" 2>&1
    wheel=$(ls "$cache_dir"/wheels/tensorflow_cpu-*.whl 2>/dev/null | head -n 1)
  fi
  if [ -n "$wheel" ]; then
    rm -rf "$package_dir/deps" && mkdir -p "$package_dir/deps"
    if python3 "$project_dir/scripts/extract-libtensorflow.py" "$wheel" "$package_dir/deps" "$package_dir/binding" >&2 && wants wheel \
       && say "building the binding against libtensorflow from $(basename "$wheel") ..." \
       && build_binding && $check; then
      exit 0
    fi
  else
    say "pip could not download $wheel_spec; see $cache_dir/pip-download.log"
  fi
fi

# 3. TensorFlow Java's native artifact (libraries only; the headers come from the wheel's extraction).
if wants maven && command -v mvn >/dev/null && [ -f "$package_dir/deps/include/tensorflow/c/c_api.h" ]; then
  tried+=("mvn $maven_artifact")
  say "trying TensorFlow Java's native libraries ($maven_artifact) ..."
  if mvn -q dependency:copy -Dartifact="$maven_artifact" -DoutputDirectory="$cache_dir/maven" >"$cache_dir/maven.log" 2>&1; then
    jar=$(ls "$cache_dir"/maven/tensorflow-core-native-*.jar | head -n 1)
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
    build_binding && $check && exit 0
  else
    say "maven could not fetch $maven_artifact; see $cache_dir/maven.log"
  fi
fi

say "FAILED: no working native TensorFlow backend. Tried:"
for attempt in "${tried[@]}"; do say "  - $attempt"; done
say "Next: put a libtensorflow 2.x install (lib/ and include/) somewhere and run"
say "  TFJS_LIBTENSORFLOW_DIR=/path/to/libtensorflow make native"
say "or check that pip can reach PyPI (python3 -m pip download --no-deps $wheel_spec)."
exit 1
