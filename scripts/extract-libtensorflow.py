#!/usr/bin/env python3
"""Extract libtensorflow (C API) from a tensorflow-cpu wheel into tfjs-node's deps/ folder.

The wheel carries the two shared libraries that together export every TF_/TFE_ symbol the
tfjs-node binding uses, and the C headers under tensorflow/include. The include tree is 268 MB,
so only the headers that the binding's two entry headers reach (#include closure) are extracted.

Usage: extract-libtensorflow.py WHEEL DEPS_DIR [BINDING_SOURCE_DIR]
(headers that the binding's own sources include are followed too)
"""
import glob
import os
import re
import sys
import zipfile

LIBRARIES = ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"]
INCLUDE_ROOT = "tensorflow/include/"
ENTRY_HEADERS = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"]
INCLUDE_PATTERN = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def binding_includes(source_dir: str | None) -> list[str]:
    """Quoted includes of the binding's own .cc/.h files (it includes a few internal headers)."""
    if source_dir is None:
        return []
    found = []
    for path in glob.glob(os.path.join(source_dir, "*.cc")) + glob.glob(os.path.join(source_dir, "*.h")):
        with open(path, "rb") as source:
            found += [name.decode() for name in INCLUDE_PATTERN.findall(source.read())]
    return found


def header_closure(wheel: zipfile.ZipFile, extra_entries: list[str]) -> list[str]:
    """Every header under tensorflow/include reached from the entry headers."""
    available = {name[len(INCLUDE_ROOT):] for name in wheel.namelist() if name.startswith(INCLUDE_ROOT)}
    pending, seen = ENTRY_HEADERS + extra_entries, set()
    while pending:
        header = pending.pop()
        if header in seen or header not in available:
            continue
        seen.add(header)
        for included in INCLUDE_PATTERN.findall(wheel.read(INCLUDE_ROOT + header)):
            pending.append(included.decode())
    missing = [h for h in ENTRY_HEADERS if h not in seen]
    if missing:
        raise SystemExit(f"the wheel has no {', '.join(missing)}: it is not a TensorFlow wheel with C headers")
    return sorted(seen)


def main() -> None:
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    wheel_path, deps_dir = sys.argv[1], sys.argv[2]
    binding_source_dir = sys.argv[3] if len(sys.argv) == 4 else None
    lib_dir, include_dir = os.path.join(deps_dir, "lib"), os.path.join(deps_dir, "include")
    os.makedirs(lib_dir, exist_ok=True)
    with zipfile.ZipFile(wheel_path) as wheel:
        for member in LIBRARIES:
            target = os.path.join(lib_dir, os.path.basename(member))
            with wheel.open(member) as source, open(target + ".partial", "wb") as sink:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)
            os.replace(target + ".partial", target)
        headers = header_closure(wheel, binding_includes(binding_source_dir))
        for header in headers:
            target = os.path.join(include_dir, header)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as sink:
                sink.write(wheel.read(INCLUDE_ROOT + header))
    # The binding links -ltensorflow -ltensorflow_framework; point those names at the wheel's files.
    for link, target in [("libtensorflow.so", "libtensorflow_cc.so.2"),
                         ("libtensorflow_framework.so", "libtensorflow_framework.so.2")]:
        path = os.path.join(lib_dir, link)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target, path)
    print(f"extracted {len(LIBRARIES)} libraries and {len(headers)} headers into {deps_dir}")


if __name__ == "__main__":
    main()
