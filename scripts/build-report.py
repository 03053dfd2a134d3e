#!/usr/bin/env python3
"""make report: one self-contained HTML page of the whole study, notebooks in order.

Usage: build-report.py OUTPUT.html NOTEBOOK.ipynb ...

The summary (notebook 00) comes first and the environment (the last notebook) is the appendix, as
the notebooks are numbered. Each executed notebook contributes its cells under its own anchor, and
links between notebooks become links within the page; figures appear as the PNG that
every figure output carries (embedded as data: URLs), tables as HTML. The page loads nothing from a
network: the exporter's CDN scripts (require.js, MathJax) are switched off.
"""
import os
import re
import sys

import nbformat
from nbconvert import HTMLExporter


NOTEBOOK_LINK = re.compile(r"\]\((\d\d-[a-z0-9-]+\.ipynb)(#[^)]*)?\)")


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    output, paths = sys.argv[1], sys.argv[2:]
    merged = nbformat.v4.new_notebook()
    merged.metadata = nbformat.read(paths[0], as_version=4).metadata
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        merged.cells.append(nbformat.v4.new_markdown_cell(f"<a id=\"{os.path.basename(path)}\"></a>\n\n---\n*From `notebooks/{os.path.basename(path)}`*"))
        prefix = os.path.basename(path)[:2]
        for cell in notebook.cells:
            # Links between notebooks become links within the page: to the notebook's start (its
            # anchor), or to the heading the link names (e.g. 00-summary.ipynb#Contents, whose
            # heading nbconvert gives the id "Contents", as JupyterLab does).
            if cell.cell_type == "markdown":
                cell.source = NOTEBOOK_LINK.sub(lambda match: f"]({match.group(2) or '#' + match.group(1)})", cell.source)
            # The interactive spec needs plotly in the page; the PNG beside it does not.
            for cell_output in cell.get("outputs", []):
                cell_output.get("data", {}).pop("application/vnd.plotly.v1+json", None)
            cell["id"] = f"nb{prefix}-{cell.get('id', len(merged.cells))}"
            merged.cells.append(cell)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    body, _ = exporter.from_notebook_node(merged, resources={"metadata": {"name": "LeNet-5 variants on Fashion-MNIST"}})
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as sink:
        sink.write(body)
    print(f"report: {output} ({len(paths)} notebooks, {len(body) // 1024} KiB)")


if __name__ == "__main__":
    main()
