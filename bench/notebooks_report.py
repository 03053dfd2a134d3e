#!/usr/bin/env python3
"""The report of make bench-notebooks (bench/notebooks.sh): reads its scratch folder and prints the
Markdown section of results/bench.md.

Usage: notebooks_report.py SCRATCH MACHINE BEFORE_COMMIT

SCRATCH holds one folder per run (before, after-1, after-2), each with: wall (start and end of the
whole make figures, epoch seconds), others (what else used the CPU), render.log (every figure's
render: kernel pid, milliseconds, epoch ms at its end), notebooks/ (the executed copies), figures/;
before also walls (per notebook: path, start, end of its nbconvert), after-N report.json
(scripts/execute-notebooks.py --report).

Per notebook: start-up is the time before its first code cell runs (before: the nbconvert process's
start, nbconvert's import, the kernel's start; after: the kernel's start); cells is the sum of its
code cells' times (before: the kernel's busy to idle, nbconvert's record_timing; after: request to
answer, execute-notebooks.py); exports is the time its kernel waited for its figures (render.log:
before, launching Chromium and loading plotly.js on the first figure; after, asking the service).
"""
import datetime
import json
import os
import sys

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_json(path):
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def wall(run):
    start, end = (float(value) for value in open(os.path.join(run, "wall")).read().split())
    return start, end


def cpu(run):
    """User + system seconds of the whole make figures (/usr/bin/time), or None when not measured."""
    path = os.path.join(run, "time")
    if not os.path.exists(path):
        return None
    _, user, system = (float(value) for value in open(path).read().split()[-3:])
    return user + system


def render_log(run):
    """(kernel pid, seconds, epoch seconds at its end) per rendered figure."""
    path = os.path.join(run, "render.log")
    if not os.path.exists(path):
        return []
    return [(int(pid), float(ms) / 1000, float(end) / 1000) for pid, ms, end in (line.split("\t") for line in open(path).read().split("\n") if line)]


def timestamp(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def before_notebooks(run):
    """Per notebook of the before run: wall, start-up, cells, exports (seconds)."""
    renders = render_log(run)
    rows = {}
    for line in open(os.path.join(run, "walls")).read().split("\n"):
        if not line:
            continue
        path, start, end = line.rsplit(" ", 2)
        start, end = float(start), float(end)
        cells = [cell for cell in read_json(path)["cells"] if cell["cell_type"] == "code" and cell["metadata"].get("execution")]
        busy = [timestamp(cell["metadata"]["execution"]["iopub.status.busy"]) for cell in cells]
        idle = [timestamp(cell["metadata"]["execution"]["iopub.status.idle"]) for cell in cells]
        rows[os.path.basename(path)] = {
            "wall": end - start, "start_up": min(busy) - start, "cells": sum(i - b for b, i in zip(busy, idle)),
            "exports": sum(seconds for _, seconds, at in renders if start <= at <= end),
        }
    return rows


def after_notebooks(run):
    """Per notebook of an after run: wall, start-up, cells, exports (seconds)."""
    report = read_json(os.path.join(run, "report.json"))
    renders = render_log(run)
    return report, {
        os.path.basename(entry["notebook"]): {
            "wall": entry["seconds"], "start_up": entry["start_up_seconds"], "cells": entry["cells_seconds"],
            "exports": sum(seconds for pid, seconds, _ in renders if pid == entry["kernel_pid"]),
        } for entry in report["notebooks"]
    }


def without(notebook, timings):
    """The notebook without execution counts (and, for the before run, without nbconvert's cell timings)."""
    for cell in notebook["cells"]:
        cell.pop("execution_count", None)
        if timings:
            cell["metadata"].pop("execution", None)
    return notebook


def compare(run, counts_differ_expected):
    """How the run's notebooks and figures compare with the committed ones."""
    committed = os.path.join(PROJECT, "notebooks")
    names = sorted(name for name in os.listdir(os.path.join(run, "notebooks")) if name.endswith(".ipynb"))
    identical, except_counts, differ = 0, 0, []
    for name in names:
        ours, theirs = (open(os.path.join(folder, name), "rb").read() for folder in (os.path.join(run, "notebooks"), committed))
        if ours == theirs:
            identical += 1
        elif without(json.loads(ours), counts_differ_expected) == without(json.loads(theirs), False):
            except_counts += 1
        else:
            differ.append(name)
    figures = os.path.join(PROJECT, "figures")
    # The run's notebooks' figures (NN-*), and the plotly.js copy their HTML exports load.
    prefixes = {name[:3] for name in names}
    files = sorted(name for name in os.listdir(figures) if name[:3] in prefixes or not name[:2].isdigit())
    same = sum(1 for name in files if os.path.exists(os.path.join(run, "figures", name))
               and open(os.path.join(run, "figures", name), "rb").read() == open(os.path.join(figures, name), "rb").read())
    text = f"notebooks: {identical} of {len(names)} byte-identical"
    if except_counts:
        text += f", {except_counts} identical but for " + ("nbconvert's cell timings and " if counts_differ_expected else "") + "execution counts"
    if differ:
        text += f", different: {', '.join(differ)}"
    return text + f"; figures: {same} of {len(files)} files byte-identical"


def main():
    scratch, machine, before_commit = sys.argv[1:4]
    runs = {name: os.path.join(scratch, name) for name in ("before", "after-1", "after-2")}
    before = before_notebooks(runs["before"])
    afters = {name: after_notebooks(runs[name]) for name in ("after-1", "after-2")}
    totals = {name: wall(run)[1] - wall(run)[0] for name, run in runs.items()}
    sums = {"before": {key: sum(row[key] for row in before.values()) for key in ("wall", "start_up", "cells", "exports")}}
    for name, (_, rows) in afters.items():
        sums[name] = {key: sum(row[key] for row in rows.values()) for key in ("wall", "start_up", "cells", "exports")}
    notebooks_wall = {"before": sums["before"]["wall"], **{name: report["seconds"] for name, (report, _) in afters.items()}}
    columns = ("before", "after-1", "after-2")
    seconds = lambda value: f"{value:.1f} s"  # noqa: E731
    line = lambda *cells: print("| " + " | ".join(cells) + " |")  # noqa: E731

    after_total = max(totals["after-1"], totals["after-2"])
    after_cells = max(sums["after-1"]["cells"], sums["after-2"]["cells"])
    print("## Regenerating the report: warm `make figures`, before and after\n")
    print(f"On this machine: {machine}\n")
    print(f"Measured by `make bench-notebooks` in one run: {len(before)} notebooks, every run in the committed cache (nothing trains), "
          f"copies of the notebooks executed in a scratch folder. Before: the `make figures` of {before_commit} (make setup compiling dist/ "
          "from scratch, the cache check, one `jupyter nbconvert --execute` per notebook, one after the other, each kernel launching its own "
          "Chromium). After: this one (make setup with nothing to compile, the cache check, scripts/execute-notebooks.py: the notebooks "
          "as many at once as cores, one render service for their figures), run once before and once after the before run.\n")
    line("", "before", "after (1st run)", "after (2nd run)")
    line("---", "---:", "---:", "---:")
    line("warm `make figures`, wall", *(seconds(totals[c]) for c in columns))
    if all(cpu(runs[c]) is not None for c in columns):
        line("warm `make figures`, CPU time (user + system, every process it waited for)", *(seconds(cpu(runs[c])) for c in columns))
    line("make setup, the cache check and the executor's start", *(seconds(totals[c] - notebooks_wall[c]) for c in columns))
    line("the notebooks, wall", *(seconds(notebooks_wall[c]) for c in columns))
    line("notebooks at once", "1", *(str(afters[c][0]["jobs"]) for c in ("after-1", "after-2")))
    line("Σ per notebook: wall", *(seconds(sums[c]["wall"]) for c in columns))
    line("Σ per notebook: start-up (to the first cell)", *(seconds(sums[c]["start_up"]) for c in columns))
    line("Σ per notebook: cells", *(seconds(sums[c]["cells"]) for c in columns))
    line("Σ per notebook: of the cells, figure exports", *(seconds(sums[c]["exports"]) for c in columns))
    line("Σ per notebook: the rest (between cells, the kernel's end, writing)",
         *(seconds(sums[c]["wall"] - sums[c]["start_up"] - sums[c]["cells"]) for c in columns))
    line("render service's start (once, beside the kernels')", "–", *(seconds(afters[c][0]["service_start_seconds"]) for c in ("after-1", "after-2")))
    print()
    print("Per notebook, seconds (wall / start-up / cells / exports), before and after (2nd run):\n")
    line("notebook", "before", "after")
    line("---", "---:", "---:")
    rows_after = afters["after-2"][1]
    for name in sorted(before):
        cells = lambda row: f"{row['wall']:.1f} / {row['start_up']:.1f} / {row['cells']:.1f} / {row['exports']:.1f}"  # noqa: E731
        line(name, cells(before[name]), cells(rows_after[name]) if name in rows_after else "–")
    print()
    for c in columns:
        print(f"- {c}: {compare(runs[c], c == 'before')}; CPU before it: {open(os.path.join(runs[c], 'others')).read().strip()}")
    print()
    processor = machine.split(";")[0]
    print(f"Warm make figures ({len(before)} notebooks, nothing to train; {processor}): before {totals['before']:.1f} s, after {totals['after-1']:.1f} s and "
          f"{totals['after-2']:.1f} s ({totals['before'] / after_total:.1f}× faster, the slower after run); the slower after run takes "
          f"{after_total / after_cells:.2f}× the notebooks' own cell time ({after_cells:.1f} s), and {after_total / sums['before']['cells']:.2f}× "
          f"their cell time before ({sums['before']['cells']:.1f} s)" + (
          f"; CPU time {cpu(runs['before']):.0f} s before, {cpu(runs['after-1']):.0f} s and {cpu(runs['after-2']):.0f} s after."
          if all(cpu(runs[c]) is not None for c in columns) else "."))


if __name__ == "__main__":
    main()
