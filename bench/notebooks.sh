#!/usr/bin/env bash
# make bench-notebooks: what regenerating the report costs when nothing needs training, before and
# after issue 20, measured in one run on one machine, one after the other:
#   before: the make figures of commit d18fc3d (its Makefile, run as it was): make setup compiling
#           dist/ from scratch, the cache check (`study all`), then one `jupyter nbconvert --execute
#           --inplace` per notebook, one after the other, each kernel launching its own Chromium;
#   after:  this make figures: make setup (nothing to compile), the cache check, then
#           scripts/execute-notebooks.py (the notebooks two at a time, one render service);
# after runs twice, once before and once after the before run, so that neither gains from caches
# the other warmed. Every run executes copies of the notebooks in a scratch folder and exports into a
# scratch figures folder (FIGURES_DIRECTORY): the working tree is not touched. Each run's output is
# compared byte for byte with the committed notebooks and figures. The before run records the cell
# timings (nbconvert's record_timing, through a wrapper of jupyter that also times each notebook);
# the after runs, execute-notebooks.py's --report; both, every figure's render time
# (FIGURE_RENDER_LOG); the CPU time of the whole target (/usr/bin/time: user and system time of every
# process it waited for, kernels and browsers included), which other processes on the machine change
# far less than they change wall times. What else used the CPU is sampled before each run (top).
# Writes results/bench-notebooks.md and puts it, as its last section, into results/bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
before_commit=${BENCH_BEFORE_COMMIT:-d18fc3d}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-notebooks-XXXXXX")
# Kept when a run fails (for its log), removed when the report is written.
trap 'echo "[bench] scratch folder kept: $scratch" >&2' EXIT
# BENCH_NOTEBOOKS (a glob) restricts the runs to some notebooks, for a trial of the benchmark itself.
notebooks=(${BENCH_NOTEBOOKS:-notebooks/[0-9][0-9]-*.ipynb})
flags=$(grep -m1 '^flags' /proc/cpuinfo | grep -o 'avx512[a-z_0-9]*\|avx2\|fma' | sort -u | tr '\n' ' ')
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; vector extensions: ${flags% }"
now() { date +%s.%N; }

# The load average and the processes that used more than 5 % of a core over 2 s (top's second sample).
others() {
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  local busy; busy=$(top -b -c -n 2 -d 2 -w 400 | awk '/^top -/{n++} n==2 && /^ *[0-9]+ /{print}' \
    | awk '$9 > 5 && $12 != "top" {cmd=""; for (i = 12; i <= NF; i++) cmd = cmd " " $i; printf "%s%% %s; ", $9, substr(cmd, 2, 90)}')
  echo "load average ${load}; busiest: ${busy:-none}"
}

# A scratch copy of the notebooks for one run.
prepare() { mkdir -p "$scratch/$1/notebooks" "$scratch/$1/figures"; cp "${notebooks[@]}" "$scratch/$1/notebooks/"; }

after() {
  local run=$scratch/$1
  prepare "$1"
  echo "[bench] $1: make figures (this one), $(others)" >&2
  others > "$run/others"
  local start; start=$(now)
  FIGURES_DIRECTORY=$run/figures FIGURE_RENDER_LOG=$run/render.log /usr/bin/time -f '%e %U %S' -o "$run/time" \
    make --no-print-directory figures NOTEBOOKS="$(ls "$run"/notebooks/*.ipynb | tr '\n' ' ')" NOTEBOOK_OPTIONS="--report $run/report.json" \
    > "$run/log" 2>&1 || { tail -30 "$run/log" >&2; exit 1; }
  echo "$start $(now)" > "$run/wall"
}

before() {
  local run=$scratch/before
  prepare before
  git show "$before_commit:Makefile" > "$scratch/Makefile.before"
  # jupyter as the old recipe calls it, timed, with nbconvert's cell timings on (the outputs are
  # compared without them).
  cat > "$scratch/jupyter" <<EOF
#!/usr/bin/env bash
start=\$(date +%s.%N)
"$PWD/.venv/bin/jupyter" "\${@/--ExecutePreprocessor.record_timing=False/--ExecutePreprocessor.record_timing=True}"
status=\$?
echo "\${@: -1} \$start \$(date +%s.%N)" >> "$run/walls"
exit \$status
EOF
  chmod +x "$scratch/jupyter"
  echo "[bench] before: make figures of $before_commit, $(others)" >&2
  others > "$run/others"
  local start; start=$(now)
  FIGURES_DIRECTORY=$run/figures FIGURE_RENDER_LOG=$run/render.log /usr/bin/time -f '%e %U %S' -o "$run/time" \
    make --no-print-directory -f "$scratch/Makefile.before" figures NOTEBOOKS="$(ls "$run"/notebooks/*.ipynb | tr '\n' ' ')" JUPYTER="$scratch/jupyter" \
    > "$run/log" 2>&1 || { tail -30 "$run/log" >&2; exit 1; }
  echo "$start $(now)" > "$run/wall"
  # The old make setup leaves dist/ without this Makefile's record of its sources: compile once more,
  # untimed, so that the next run is as warm as the first.
  make --no-print-directory compiled > /dev/null
}

echo "machine: $machine" >&2
make --no-print-directory compiled > /dev/null
node dist/lib/cli/study.js all --workers 2 > /dev/null  # the cache is complete: nothing trains below
after after-1
before
after after-2
.venv/bin/python bench/notebooks_report.py "$scratch" "$machine" "$before_commit" > results/bench-notebooks.md
# results/bench.md: what bench/run.sh wrote, then this section (in place of an earlier one).
if [ -f results/bench.md ]; then
  .venv/bin/python - results/bench.md results/bench-notebooks.md <<'EOF'
import sys
bench, section = (open(path, encoding="utf-8").read() for path in sys.argv[1:3])
kept = bench.split("\n## Regenerating the report")[0].rstrip("\n")
open(sys.argv[1], "w", encoding="utf-8").write(f"{kept}\n\n{section}")
EOF
fi
cat results/bench-notebooks.md
trap - EXIT
rm -rf "$scratch"
