#!/usr/bin/env bash
# make bench: training throughput of tfjs-node and Keras on the same task, measured in one run,
# one configuration after the other (LeNet-5 ReLU, batch 32, two epochs on 48,000 real images; the
# first epoch includes start-up, the second is the steady rate):
#   1. tfjs-node, the study's native step, one process, TensorFlow's default threads
#   2. tfjs-node, the study's native step, one process, one intra-op thread
#   3. tfjs-node as it comes (model.fit with tfjs' Adam), one intra-op thread
#   4. the study itself: two cross-validation folds (2 epochs, validation included) trained at once
#      by `study --workers 2`'s worker processes, one thread each, with each worker's peak RSS
#   5. Keras (tensorflow-cpu 2.21.0 in .venv, installed by `make bench`), accuracy/precision/recall,
#      TensorFlow's default threads, then 6. the same with one intra-op thread
# then a profile of one training step (native and model.fit), and the whole-protocol record of the
# last `make study` (results/study.json: wall time, largest peak RSS of a worker).
set -euo pipefail
cd "$(dirname "$0")/.."
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "machine: $machine" >&2
label() { node -e 'const r = JSON.parse(process.argv[1]); r.configuration = process.argv[2]; console.log(JSON.stringify(r))' "$1" "$2"; }
one_thread=(env TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1)

echo "[bench] 1/6 tfjs-node native step, default threads" >&2
# The Makefile exports TF_NUM_INTRAOP_THREADS=1 for everything else; the defaults are measured without it.
default=$(label "$(env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS node dist/bench/train-throughput.js)" "tfjs-node, native step, default threads")
echo "[bench] 2/6 tfjs-node native step, 1 thread" >&2
native=$(label "$("${one_thread[@]}" node dist/bench/train-throughput.js)" "tfjs-node, native step, 1 thread")
echo "[bench] 3/6 tfjs-node model.fit, 1 thread" >&2
fit=$(label "$("${one_thread[@]}" BENCH_ENGINE=fit node dist/bench/train-throughput.js)" "tfjs-node as it comes (model.fit), 1 thread")
echo "[bench] 4/6 the study's worker processes: 2 folds at once, 1 thread each" >&2
workers=$(node dist/bench/study-workers.js)
echo "[bench] 5/6 Keras, default threads" >&2
keras=$(label "$(env -u TF_NUM_INTRAOP_THREADS -u TF_NUM_INTEROP_THREADS .venv/bin/python bench/keras_throughput.py)" "Keras (tensorflow-cpu 2.21.0), default threads")
echo "[bench] 6/6 Keras, 1 thread" >&2
keras_one=$(label "$("${one_thread[@]}" .venv/bin/python bench/keras_throughput.py)" "Keras (tensorflow-cpu 2.21.0), 1 thread")
echo "[bench] profile of one training step, native and model.fit" >&2
profile=$("${one_thread[@]}" node dist/bench/profile-step.js)

node -e '
const [defaultRun, native, fit, workersRun, keras, kerasOne, profile, machine] = process.argv.slice(1);
const fs = require("fs");
const rows = [defaultRun, native, fit, keras, kerasOne].map((text) => JSON.parse(text));
const [defaultRow, nativeRow, fitRow, kerasRow, kerasOneRow] = rows;
const workers = JSON.parse(workersRun);
// A run of the study is one first epoch and 14 steady ones.
const runRate = (r) => (15 * r.samples) / (r.firstEpochSeconds + 14 * r.steadyEpochSeconds);
const line = (...cells) => console.log(`| ${cells.join(" | ")} |`);
const rate = (value) => Math.round(value).toLocaleString("en-US");
console.log(`machine: ${machine}\n`);
console.log("Throughput, samples/s (LeNet-5 ReLU, batch 32, 48,000 real images per epoch):\n");
line("configuration", "first epoch", "steady epoch", "15-epoch run", "peak RSS MiB");
line("---", "---:", "---:", "---:", "---:");
for (const r of rows) line(r.configuration, rate(r.firstEpochSamplesPerSecond), rate(r.samplesPerSecond), rate(runRate(r)), Math.round(r.peakRssMiB));
line(`study, ${workers.workers} worker processes × 1 thread (together, validation included)`, "", rate(workers.steadySamplesPerSecond), "",
  workers.peakRssMiB.join(" / ") + " (each worker)");
const best = [defaultRow, nativeRow].reduce((x, y) => (y.samplesPerSecond > x.samplesPerSecond ? y : x));
const ratio = (a, b, f) => (f(a) / f(b)).toFixed(2);
const ratios = (a, b) => `steady epoch ${ratio(a, b, (r) => r.samplesPerSecond)}, 15-epoch run ${ratio(a, b, runRate)}, ` +
  `first epoch ${ratio(a, b, (r) => r.firstEpochSamplesPerSecond)}`;
console.log(`\nper-process ratio tfjs-node (${best.configuration}) / Keras (default threads): ${ratios(best, kerasRow)}`);
console.log(`same at one thread each, tfjs-node native / Keras: ${ratios(nativeRow, kerasOneRow)}`);
console.log(`native step / model.fit, 1 thread, steady epoch: ${(nativeRow.samplesPerSecond / fitRow.samplesPerSecond).toFixed(2)}`);
console.log(`study with ${workers.workers} workers / one Keras process (default threads), steady epoch: ${(workers.steadySamplesPerSecond / kerasRow.samplesPerSecond).toFixed(2)}`);
const p = JSON.parse(profile);
console.log(`\nProfile of a training step (${p.batches} steps, ${p.threads} intra-op thread):\n`);
line("engine", "wall ms per step", "TensorFlow ops per step", "tensors uploaded per step", "ms in TensorFlow (ops, uploads)", "ms in JavaScript");
line("---", "---:", "---:", "---:", "---:", "---:");
const names = { native: "native step", fit: "model.fit" };
for (const e of p.engines) line(names[e.engine], e.wallMsPerStep, e.tensorflowOpsPerStep, e.uploadsPerStep, e.insideTensorflowMsPerStep, e.outsideTensorflowMsPerStep);
const nativeProfile = p.engines.find((e) => e.engine === "native");
console.log("\nNative step, TensorFlow ops taking the most time (time inside the binding call):\n");
line("op", "calls per step", "ms per step");
line("---", "---:", "---:");
for (const k of nativeProfile.top) line(k.op, k.perStep, k.msPerStep);
const s = fs.existsSync("results/study.json") ? JSON.parse(fs.readFileSync("results/study.json", "utf8")) : null;
if (s && s.protocolTime) {
  const t = s.protocolTime;
  console.log(`\nWhole protocol (results/study.json, last \`make study\`): ${t.runs} runs between ${t.firstStart} and ${t.lastEnd}, ` +
    `${t.wallMinutes.toFixed(1)} min of wall time, ${t.summedTrainingMinutes.toFixed(1)} min of summed training time` +
    (t.largestPeakRssMiB == null ? "." : `, largest peak RSS of a worker ${t.largestPeakRssMiB} MiB.`));
}
' "$default" "$native" "$fit" "$workers" "$keras" "$keras_one" "$profile" "$machine"
