#!/usr/bin/env bash
# make bench: training throughput of tfjs-node and Keras on the same task under the same pinned
# TensorFlow settings, measured in one run, one configuration after the other (LeNet-5 ReLU, batch
# 32, two epochs on 48,000 real images; the first epoch includes start-up, the second is the steady
# rate). Every configuration runs with oneDNN on (TF_ENABLE_ONEDNN_OPTS=1, as the project pins it)
# and an explicit thread count, so the comparison holds on any CPU:
#   1. tfjs-node, the study's native step, one intra-op thread (the study's setting)
#   2. the same with two intra-op threads
#   3. tfjs-node as it comes (model.fit with tfjs' Adam), one thread
#   4. the study itself: two cross-validation folds (2 epochs, validation included) trained at once
#      by `study --workers 2`'s worker processes, one thread each, with each worker's peak RSS
#   5. Keras (tensorflow-cpu 2.21.0 in .venv, installed by `make bench`), one thread, then 6. two
# then a profile of one training step (native and model.fit), and the whole-protocol record of the
# last `make study` (results/study.json: wall time, largest peak RSS of a worker), and how far the
# arithmetic probe of the run keys moves with oneDNN off or two threads (a share of its tolerance).
set -euo pipefail
cd "$(dirname "$0")/.."
flags=$(grep -m1 '^flags' /proc/cpuinfo | grep -o 'avx512[a-z_0-9]*\|avx2\|fma' | sort -u | tr '\n' ' ')
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; vector extensions: ${flags% }"
echo "machine: $machine" >&2
label() { node -e 'const r = JSON.parse(process.argv[1]); r.configuration = process.argv[2]; console.log(JSON.stringify(r))' "$1" "$2"; }
# oneDNN on and the thread counts explicit in every configuration, whatever the caller's environment.
threads() { echo env TF_ENABLE_ONEDNN_OPTS=1 TF_NUM_INTRAOP_THREADS="$1" TF_NUM_INTEROP_THREADS=1; }

# One configuration: its title on stderr, then the command's JSON line labelled with the title.
configuration() { local title=$1; shift; echo "[bench] $title" >&2; label "$("$@")" "$title"; }

native=$(configuration "tfjs-node, native step, 1 thread" $(threads 1) node dist/bench/train-throughput.js)
native_two=$(configuration "tfjs-node, native step, 2 threads" $(threads 2) node dist/bench/train-throughput.js)
fit=$(configuration "tfjs-node as it comes (model.fit), 1 thread" $(threads 1) BENCH_ENGINE=fit node dist/bench/train-throughput.js)
echo "[bench] the study's worker processes: 2 folds at once, 1 thread each" >&2
workers=$($(threads 1) node dist/bench/study-workers.js)
keras=$(configuration "Keras (tensorflow-cpu 2.21.0), 1 thread" $(threads 1) .venv/bin/python bench/keras_throughput.py)
keras_two=$(configuration "Keras (tensorflow-cpu 2.21.0), 2 threads" $(threads 2) .venv/bin/python bench/keras_throughput.py)
echo "[bench] profile of one training step, native and model.fit" >&2
profile=$($(threads 1) node dist/bench/profile-step.js)
# The arithmetic probe (run keys) under settings other than the pinned ones: how far from its tolerance.
echo "[bench] arithmetic probe: pinned, oneDNN off, 2 threads" >&2
deviation() { $(threads "$1") TF_ENABLE_ONEDNN_OPTS="$2" node dist/lib/cli/arithmetic.js 2>/dev/null | grep -o 'largest deviation [0-9.]*' | cut -d' ' -f3; }
probe="Arithmetic probe against lib/study/arithmetic.lock.json, largest deviation as a share of its tolerance: pinned settings $(deviation 1 1), oneDNN off $(deviation 1 0), 2 intra-op threads $(deviation 2 1)."

node -e '
const [native, nativeTwo, fit, workersRun, keras, kerasTwo, profile, machine] = process.argv.slice(1);
const fs = require("fs");
const rows = [native, nativeTwo, fit, keras, kerasTwo].map((text) => JSON.parse(text));
const [nativeRow, nativeTwoRow, fitRow, kerasRow, kerasTwoRow] = rows;
const workers = JSON.parse(workersRun);
// A run of the study is one first epoch and 14 steady ones.
const runRate = (r) => (15 * r.samples) / (r.firstEpochSeconds + 14 * r.steadyEpochSeconds);
const line = (...cells) => console.log(`| ${cells.join(" | ")} |`);
const rate = (value) => Math.round(value).toLocaleString("en-US");
console.log(`machine: ${machine}\n`);
console.log("Every configuration: oneDNN on (TF_ENABLE_ONEDNN_OPTS=1), one inter-op thread, the intra-op threads named.\n");
console.log("Throughput, samples/s (LeNet-5 ReLU, batch 32, 48,000 real images per epoch):\n");
line("configuration", "first epoch", "steady epoch", "15-epoch run", "peak RSS MiB");
line("---", "---:", "---:", "---:", "---:");
for (const r of rows) line(r.configuration, rate(r.firstEpochSamplesPerSecond), rate(r.samplesPerSecond), rate(runRate(r)), Math.round(r.peakRssMiB));
line(`study, ${workers.workers} worker processes × 1 thread (together, validation included)`, "", rate(workers.steadySamplesPerSecond), "",
  workers.peakRssMiB.join(" / ") + " (each worker)");
const ratio = (a, b, f) => (f(a) / f(b)).toFixed(2);
const ratios = (a, b) => `steady epoch ${ratio(a, b, (r) => r.samplesPerSecond)}, 15-epoch run ${ratio(a, b, runRate)}, ` +
  `first epoch ${ratio(a, b, (r) => r.firstEpochSamplesPerSecond)}`;
console.log(`\ntfjs-node native / Keras, 1 thread each: ${ratios(nativeRow, kerasRow)}`);
console.log(`tfjs-node native / Keras, 2 threads each: ${ratios(nativeTwoRow, kerasTwoRow)}`);
console.log(`native step / model.fit, 1 thread, steady epoch: ${(nativeRow.samplesPerSecond / fitRow.samplesPerSecond).toFixed(2)}`);
console.log(`study with ${workers.workers} workers / one Keras process (the faster of its two settings), steady epoch: ${(workers.steadySamplesPerSecond / Math.max(kerasRow.samplesPerSecond, kerasTwoRow.samplesPerSecond)).toFixed(2)}`);
const largestWorker = Math.max(...workers.peakRssMiB);
console.log(`study workers peak RSS: largest ${largestWorker} MiB, ${largestWorker <= 1024 ? "within" : "OVER"} the 1 GiB target`);
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
' "$native" "$native_two" "$fit" "$workers" "$keras" "$keras_two" "$profile" "$machine" > results/bench.md
printf '\n%s\n' "$probe" >> results/bench.md
# The last section stays the notebooks' one (make bench-notebooks), when there is one.
if [ -f results/bench-notebooks.md ]; then printf '\n' >> results/bench.md; cat results/bench-notebooks.md >> results/bench.md; fi
cat results/bench.md
