#!/usr/bin/env bash
# make bench: tfjs-node vs Keras training throughput, measured one after the other in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import tensorflow" 2>/dev/null; then
  echo "[bench] installing tensorflow-cpu 2.21.0 into .venv (benchmark only; the report never needs it) ..." >&2
  wheel=$(ls .cache/wheels/tensorflow_cpu-2.21.0-*.whl 2>/dev/null | head -n 1 || true)
  .venv/bin/pip install -q "${wheel:-tensorflow-cpu==2.21.0}"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB" >&2
tfjs=$(node dist/bench/train-throughput.js)
keras=$(.venv/bin/python bench/keras_throughput.py)
node -e '
const [tfjs, keras] = process.argv.slice(1).map((line) => JSON.parse(line));
const row = (r) => `${r.engine.padEnd(10)} ${String(r.samples).padStart(7)} ${r.seconds.toFixed(1).padStart(8)} ${Math.round(r.samplesPerSecond).toString().padStart(10)} ${Math.round(r.peakRssMiB).toString().padStart(9)}`;
console.log("engine      samples  seconds  samples/s  peak RSS MiB");
console.log(row(tfjs));
console.log(row(keras));
console.log(`ratio tfjs-node / Keras: ${(tfjs.samplesPerSecond / keras.samplesPerSecond).toFixed(2)}`);
' "$tfjs" "$keras"
