#!/usr/bin/env bash
# make bench: training throughput of tfjs-node and Keras on the same task, measured in one run,
# one configuration after the other (LeNet-5 ReLU, batch 32, one epoch on 48,000 real images).
#   1. tfjs-node, one process, TensorFlow's default threads
#   2. tfjs-node, one process, one intra-op thread
#   3. tfjs-node, two worker processes at once, one thread each (how `study --workers 2` trains)
#   4. Keras (tensorflow-cpu 2.21.0 in .venv, installed here if missing), accuracy/precision/recall on
# and a profile of one training step (kernels issued per step).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import tensorflow" 2>/dev/null; then
  echo "[bench] installing tensorflow-cpu 2.21.0 into .venv (benchmark only; the report never needs it) ..." >&2
  wheel=$(ls .cache/wheels/tensorflow_cpu-2.21.0-*.whl 2>/dev/null | head -n 1 || true)
  .venv/bin/pip install -q "${wheel:-tensorflow-cpu==2.21.0}"
fi
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "machine: $machine" >&2
label() { node -e 'const r = JSON.parse(process.argv[1]); r.engine = process.argv[2]; console.log(JSON.stringify(r))' "$1" "$2"; }

echo "[bench] 1/4 tfjs-node, default threads" >&2
# The Makefile exports TF_NUM_INTRAOP_THREADS=1 for everything else; the defaults are measured without it.
default=$(label "$(env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS node dist/bench/train-throughput.js)" "tfjs-node")
echo "[bench] 2/4 tfjs-node, 1 thread" >&2
single=$(label "$(TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 node dist/bench/train-throughput.js)" "tfjs-node 1 thread")
echo "[bench] 3/4 tfjs-node, 2 workers x 1 thread" >&2
worker_a=$(mktemp); worker_b=$(mktemp)
TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 node dist/bench/train-throughput.js > "$worker_a" 2>/dev/null &
TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 node dist/bench/train-throughput.js > "$worker_b" 2>/dev/null &
wait
echo "[bench] 4/4 Keras" >&2
keras=$(env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS .venv/bin/python bench/keras_throughput.py)
echo "[bench] profile of one training step" >&2
profile=$(env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS node dist/bench/profile-step.js)

node -e '
const [defaultRun, single, a, b, keras, profile, machine] = process.argv.slice(1);
const rows = [JSON.parse(defaultRun), JSON.parse(single), JSON.parse(keras)];
const workers = [JSON.parse(a), JSON.parse(b)];
const line = (name, samples, seconds, rate, rss) =>
  `| ${name} | ${samples} | ${seconds.toFixed(1)} | ${Math.round(rate)} | ${rss} |`;
console.log(`machine: ${machine}\n`);
console.log("| configuration | samples | seconds | samples/s | peak RSS MiB |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(line(r.engine, r.samples, r.seconds, r.samplesPerSecond, Math.round(r.peakRssMiB)));
const aggregate = workers.reduce((sum, w) => sum + w.samplesPerSecond, 0);
console.log(line("tfjs-node, 2 workers × 1 thread (together)", workers[0].samples + workers[1].samples,
  Math.max(...workers.map((w) => w.seconds)), aggregate, workers.map((w) => Math.round(w.peakRssMiB)).join(" / ") + " per worker"));
const kerasRate = rows[2].samplesPerSecond;
const best = Math.max(rows[0].samplesPerSecond, rows[1].samplesPerSecond);
console.log(`\nper-process ratio tfjs-node / Keras: ${(best / kerasRate).toFixed(2)} (best tfjs-node configuration)`);
console.log(`study throughput ratio, 2 workers / one Keras process: ${(aggregate / kerasRate).toFixed(2)}`);
const p = JSON.parse(profile);
console.log(`\nprofile (${p.batches} steps): ${p.kernelsPerStep.toFixed(0)} kernels per step, ${p.wallMsPerStep} ms wall per step`);
console.log("| kernel | calls per step | ms per step (tf.profile) |\n| --- | ---: | ---: |");
for (const k of p.top) console.log(`| ${k.kernel} | ${k.perStep} | ${k.msPerStep} |`);
' "$default" "$single" "$(cat "$worker_a")" "$(cat "$worker_b")" "$keras" "$profile" "$machine"
rm -f "$worker_a" "$worker_b"
