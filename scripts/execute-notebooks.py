#!/usr/bin/env python3
"""make figures: execute notebooks through the tslab kernel, several at once, and write each as
`jupyter nbconvert --to notebook --execute --inplace` does.

Usage: execute-notebooks.py [--jobs N] [--output-dir DIR] [--keep-going] [--report FILE] NOTEBOOK...

What a notebook costs besides its own cells is paid once for the batch, or in parallel:
- one Python process: nbconvert's start-up once, not once per notebook;
- N notebooks at once (--jobs, default: the CPU cores), each in a fresh kernel of its own as before.
  Once `study all` has filled the run cache the notebooks are independent: each writes its own
  notebook and its own figures/NN-* files, and only reads runs/ (a run that two notebooks both lack,
  as in the fast-profile test, is trained once under the run cache's lock, and the other waits);
- one render service (node dist/lib/cli/figure-service.js: headless Chromium with plotly.js loaded
  in one page per job) draws every kernel's figures, where each kernel used to launch a browser and
  load plotly.js for its first figure (lib/report/figure-render.ts, FIGURE_RENDER_SERVICE).

Each notebook goes through nbconvert's own NotebookExporter and ExecutePreprocessor with the
settings the Makefile gave the command line (kernel tslab, no cell timeout, 180 s to start,
record_timing off), so the bytes are those `jupyter nbconvert --inplace` writes, with one
difference: code cells are numbered 1..N in order (nbclient's own numbering), where tslab reports no
execution count and the notebooks showed "In [ ]:". The kernel is stopped, not asked to exit, once
its last cell has answered.

Notebooks are written in their order. A failing notebook stops the batch as the loop of nbconvert
calls did: the notebooks before it finish and are written, none after it is (a running one is
stopped), and the script ends with the notebook's name and the cell's error, exit code 1. With
--keep-going every notebook runs, every success is written and every failure reported.
--report FILE writes what happened as JSON: per notebook, the kernel's start-up, each code cell's
seconds and the total; every failure with its error.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from jupyter_core.utils import run_sync
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets.config import Config

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIGURE_SERVICE = os.path.join(PROJECT, "dist", "lib", "cli", "figure-service.js")
# A kernel that never answered its first request is a start-up hiccup (a loaded machine), not a
# notebook failure: its notebook is tried once more.
KERNEL_HICCUPS = ("Kernel didn't respond", "Kernel died before replying to kernel_info")


class Stopped(Exception):
    """The batch stopped (an earlier notebook failed) while this notebook ran."""


class NumberingExecutePreprocessor(ExecutePreprocessor):
    """nbconvert's ExecutePreprocessor, numbering code cells 1..N and timing the kernel's start and each cell."""

    started = kernel_ready = kernel_pid = cell_index = None
    cell_seconds = ()
    stopped = False

    def preprocess(self, nb, resources=None, km=None):
        self.started = time.monotonic()
        self.cell_seconds = []
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self.kernel_ready is None:
            self.kernel_ready = time.monotonic()
            self.kernel_pid = getattr(self.km.provisioner, "pid", None)
        if self.stopped:
            raise Stopped()
        self._check_assign_resources(resources)
        self.cell_index = index
        executed = self.code_cells_executed
        started = time.monotonic()
        # What nbclient's own NotebookClient.execute passes (nbconvert's preprocessor passes none).
        cell = self.execute_cell(cell, index, execution_count=self.code_cells_executed + 1, store_history=True)
        if self.code_cells_executed > executed:
            self.cell_seconds.append(round(time.monotonic() - started, 3))
        return cell, self.resources

    async def async_start_new_kernel_client(self):
        """Connects to the kernel only once every one of its sockets is bound. tslab (1.0.22) binds
        its five sockets while already reading from them, and a request that arrives meanwhile
        (jupyter_client asks for kernel_info at once) can end its reading with "Socket is blocked by a
        bind or unbind operation": the kernel then never answers, and the notebook would wait out the
        start-up timeout. More likely on a loaded machine, and with several kernels starting at once."""
        ports = [self.km.shell_port, self.km.iopub_port, self.km.stdin_port, self.km.hb_port, self.km.control_port]
        deadline = time.monotonic() + self.startup_timeout
        while ports and time.monotonic() < deadline and await self.km.is_alive():
            ports = [port for port in ports if not accepts(self.km.ip, port)]
            await asyncio.sleep(0.05)
        # The last bind has returned; give the kernel a moment to leave it.
        await asyncio.sleep(0.1)
        return await super().async_start_new_kernel_client()

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def stop(self):
        """Stops this notebook from another thread: no further cell, and its kernel killed."""
        self.stopped = True
        provisioner = getattr(getattr(self, "km", None), "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()


def accepts(host, port):
    """Whether something listens on host:port (a TCP connection opened and closed at once)."""
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def exporter_config(kernel):
    """The configuration `jupyter nbconvert --to notebook --execute` gets from the Makefile's options."""
    config = Config()
    config.NotebookExporter.default_preprocessors = [
        NumberingExecutePreprocessor if name == "nbconvert.preprocessors.ExecutePreprocessor" else name
        for name in NotebookExporter().default_preprocessors
    ]
    config.ExecutePreprocessor.enabled = True
    config.ExecutePreprocessor.kernel_name = kernel
    config.ExecutePreprocessor.timeout = -1
    config.ExecutePreprocessor.startup_timeout = 180
    config.ExecutePreprocessor.record_timing = False
    # The outputs are complete once the last cell has answered: stopping the kernel then, rather than
    # asking it to exit and waiting for it, changes nothing in them.
    config.ExecutePreprocessor.shutdown_kernel = "immediate"
    return config


def write_atomically(path, text):
    """Writes text (UTF-8) to path under a temporary name, then renames it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".execute-", suffix=".ipynb")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
            sink.write(text)
        if os.path.exists(path):
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~current_umask())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class FigureService:
    """The batch's render service: started before any kernel, named to them in FIGURE_RENDER_SERVICE."""

    def __init__(self, pages):
        self.process = subprocess.Popen(["node", FIGURE_SERVICE, "--pages", str(pages)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        url = self.process.stdout.readline().strip()
        if not url.startswith("http://"):
            self.process.wait()
            raise SystemExit(f"execute-notebooks: the figure render service did not start (node {FIGURE_SERVICE}, exit code {self.process.returncode})")
        os.environ["FIGURE_RENDER_SERVICE"] = url

    def close(self):
        """Closing its stdin closes the browser; it is killed if it has not gone within 10 s."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class Batch:
    """Executes notebooks, `jobs` at a time, and writes them in order."""

    def __init__(self, paths, jobs, output_dir, kernel, keep_going):
        self.paths, self.jobs, self.output_dir, self.keep_going = paths, jobs, output_dir, keep_going
        self.config = exporter_config(kernel)
        self.lock = threading.Condition()
        self.next_index = 0
        self.failed_index = None
        self.results = [None] * len(paths)
        self.running = {}
        self.threads = []

    def destination(self, path):
        return os.path.join(self.output_dir, os.path.basename(path)) if self.output_dir else path

    def execute_one(self, index):
        """Runs one notebook to (text, timing) or (None, error message)."""
        path = self.paths[index]
        for attempt in (1, 2):
            exporter = NotebookExporter(config=self.config)
            preprocessor = next(p for p in exporter._preprocessors if isinstance(p, NumberingExecutePreprocessor))
            with self.lock:
                if self.failed_index is not None and index > self.failed_index:
                    return None
                self.running[index] = preprocessor
            started = time.monotonic()
            try:
                text, _ = exporter.from_filename(path)
                timing = {
                    "notebook": path,
                    "kernel_pid": preprocessor.kernel_pid,
                    "start_up_seconds": round((preprocessor.kernel_ready or time.monotonic()) - preprocessor.started, 3),
                    "cell_seconds": preprocessor.cell_seconds,
                    "cells_seconds": round(sum(preprocessor.cell_seconds), 3),
                    "seconds": round(time.monotonic() - started, 3),
                }
                return text, timing
            except Stopped:
                return None
            except Exception as error:  # noqa: BLE001: every failure is reported with its notebook
                if preprocessor.stopped:
                    return None
                message = str(error) or type(error).__name__
                if attempt == 1 and not preprocessor.cell_seconds and any(h in message for h in KERNEL_HICCUPS):
                    print(f"execute-notebooks: {path}: the kernel did not start ({message.splitlines()[0]}); trying once more", file=sys.stderr, flush=True)
                    continue
                where = f"cell {preprocessor.cell_index + 1} of {len(preprocessor.nb.cells)}" if preprocessor.cell_index is not None else "the kernel's start"
                return None, f"{where}: {type(error).__name__}: {message}"
            finally:
                with self.lock:
                    self.running.pop(index, None)

    def worker(self):
        while True:
            with self.lock:
                index = self.next_index
                if index >= len(self.paths) or (self.failed_index is not None and index > self.failed_index):
                    return
                self.next_index += 1
                print(f"executing {self.paths[index]}", flush=True)
            result = self.execute_one(index)
            with self.lock:
                self.results[index] = result if result is not None else (None, None)
                if result is not None and result[0] is None and not self.keep_going:
                    if self.failed_index is None or index < self.failed_index:
                        self.failed_index = index
                        for later, preprocessor in self.running.items():
                            if later > index:
                                preprocessor.stop()
                self.lock.notify_all()

    def stop_all(self, within=60):
        """Starts no further notebook and stops every running one (an interrupt): their kernels are
        killed, again until their threads have ended, so that a kernel still starting is not left behind."""
        deadline = time.monotonic() + within
        while any(thread.is_alive() for thread in self.threads) and time.monotonic() < deadline:
            with self.lock:
                self.failed_index = -1
                for preprocessor in self.running.values():
                    preprocessor.stop()
            for thread in self.threads:
                thread.join(timeout=0.2)

    def run(self):
        """Executes and writes every notebook; returns the (notebook, error) of each failure, and the timings."""
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(min(self.jobs, len(self.paths)))]
        for thread in self.threads:
            thread.start()
        failures, timings = [], []
        for index, path in enumerate(self.paths):
            with self.lock:
                while self.results[index] is None and (self.failed_index is None or index <= self.failed_index):
                    self.lock.wait()
                if self.failed_index is not None and index > self.failed_index:
                    break
                text, detail = self.results[index]
            if text is None:
                if detail is not None:
                    failures.append((path, detail))
                continue
            write_atomically(self.destination(path), text)
            timings.append(detail)
        for thread in self.threads:
            thread.join()
        return failures, timings


def interrupt(signum, frame):
    raise KeyboardInterrupt()


def main():
    parser = argparse.ArgumentParser(description="Execute notebooks through the tslab kernel, several at once, as nbconvert --execute --inplace writes them.")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks at once (default: the CPU cores)")
    parser.add_argument("--output-dir", help="write the executed notebooks here (default: in place)")
    parser.add_argument("--kernel", default="tslab", help="the kernel (default: tslab)")
    parser.add_argument("--keep-going", action="store_true", help="execute every notebook whatever fails, and report every failure")
    parser.add_argument("--report", help="write per-notebook timings and every failure here (JSON)")
    args = parser.parse_args()
    missing = [path for path in args.notebooks if not os.path.isfile(path)]
    if missing:
        raise SystemExit(f"execute-notebooks: no such notebook: {', '.join(missing)}")
    batch = Batch(args.notebooks, max(1, args.jobs), args.output_dir, args.kernel, args.keep_going)
    # SIGTERM (make interrupted, a test's timeout) ends like Ctrl-C: kernels and the browser stopped.
    signal.signal(signal.SIGTERM, interrupt)
    started = time.monotonic()
    service = None
    try:
        service = FigureService(pages=min(batch.jobs, len(args.notebooks)))
        service_seconds = round(time.monotonic() - started, 3)
        failures, timings = batch.run()
    except KeyboardInterrupt:
        batch.stop_all()
        raise SystemExit("execute-notebooks: interrupted")
    finally:
        if service is not None:
            service.close()
    seconds = time.monotonic() - started
    if args.report:
        with open(args.report, "w", encoding="utf-8") as sink:
            json.dump({
                "jobs": batch.jobs, "seconds": round(seconds, 3), "service_start_seconds": service_seconds, "notebooks": timings,
                "failures": [{"notebook": path, "error": error} for path, error in failures],
            }, sink, indent=1)
    for path, error in failures:
        print(f"execute-notebooks: {path} failed in {error}", file=sys.stderr)
    if failures:
        sys.exit(1)
    print(f"executed {len(timings)} notebook(s) in {seconds:.1f} s, {batch.jobs} at once")


if __name__ == "__main__":
    main()
