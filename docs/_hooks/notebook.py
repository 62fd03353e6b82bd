"""mkdocs hook: run the example notebook during the build, and add it as a page with outputs.

The notebook is stored without outputs (``nox -s notebook`` checks that it runs). Here it
is executed with nbclient, by the same code as that session (docs/examples/
execute_notebook.py: a cell error or a traceback fails the build), then converted to
Markdown by nbconvert, so the page is an ordinary page of the site: the theme's code
blocks, search, dark mode, no notebook CSS and nothing fetched from anywhere, at build
time or when the page is read. The plot becomes a PNG next to the page.

Why not mkdocs-jupyter: it renders the notebook as nbconvert HTML with its own stylesheet
and, by default, a MathJax ``<script>`` from a CDN; this site loads nothing remote.

Configured in mkdocs.yml (``hooks: [docs/_hooks/notebook.py]``); docs/check_site.py checks
the built page has the outputs.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

from jinja2 import DictLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

NOTEBOOK = "examples/bulk_dialer.ipynb"  # under docs_dir
PAGE = "examples/bulk_dialer.md"
RUNNER = "examples/execute_notebook.py"

# nbconvert's Markdown template, with text outputs as fenced blocks titled "Output" (its
# default is an indented block, which reads like more code), blank ones (a progress bar's
# closing newline) left out, and a real alt text for the plot. tqdm's
# carriage-return redraws are collapsed to the final bar by CoalesceStreamsPreprocessor.
TEMPLATE = """\
{%- extends 'markdown/index.md.j2' -%}
{% block stream %}
{%- if output.text.strip() %}
```text title="Output"
{{ output.text.rstrip() }}
```
{% endif -%}
{% endblock stream %}
{% block data_text scoped %}
```text title="Output"
{{ output.data['text/plain'].rstrip() }}
```
{% endblock data_text %}
{% block data_png %}
![Plot made by the cell above]({{ output.metadata.filenames['image/png'] | path2url }})
{% endblock data_png %}
"""

NOTE = """
!!! info "Executed while this site was built"
    Below is [`{name}`]({name}) with the outputs of a run against the emulator, made when
    these pages were built ({seconds:.0f} s). Port numbers and timings, and so which rows
    met a fault, vary from run to run; the checks in the last cells hold for every run.

"""


def _runner(docs: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("execute_notebook", docs / RUNNER)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot load {docs / RUNNER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render(docs: Path) -> tuple[str, dict[str, bytes]]:
    """The executed notebook as Markdown, and the files its outputs need (by path)."""
    runner = _runner(docs)
    started = time.perf_counter()
    try:
        nb = runner.execute(docs / NOTEBOOK)
    except runner.NotebookFailed as exc:
        raise PluginError(str(exc)) from exc
    seconds = time.perf_counter() - started
    exporter = MarkdownExporter(extra_loaders=[DictLoader({"page.md.j2": TEMPLATE})])
    exporter.template_file = "page.md.j2"
    exporter.register_preprocessor(CoalesceStreamsPreprocessor, enabled=True)
    stem = Path(NOTEBOOK).stem
    body, resources = exporter.from_notebook_node(
        nb, resources={"unique_key": stem, "output_files_dir": f"{stem}_files"}
    )
    title, _, rest = body.lstrip().partition("\n")
    if not title.startswith("# "):
        raise PluginError(f"{NOTEBOOK}: the first cell must start with a '# ' title")
    body = title + "\n" + NOTE.format(name=Path(NOTEBOOK).name, seconds=seconds) + rest
    return body, dict(resources.get("outputs", {}))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    body, outputs = render(Path(config.docs_dir))
    files.append(File.generated(config, PAGE, content=body))
    folder = Path(PAGE).parent.as_posix()
    for name, data in outputs.items():
        files.append(File.generated(config, f"{folder}/{name}", content=data))
    return files
