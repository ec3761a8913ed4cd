"""Every ```python snippet of docs/python.md runs, in order, in one namespace (a notebook)."""

import os
import re

from conftest import DATA, ROOT


def test_tutorial_snippets_run(monkeypatch):
    with open(os.path.join(ROOT, "docs", "python.md")) as f:
        text = f.read()
    snippets = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(snippets) >= 4
    monkeypatch.chdir(os.path.dirname(DATA))  # the tutorial's paths are data/... from the repository
    namespace = {"__name__": "tutorial"}
    for i, code in enumerate(snippets):
        exec(compile(code, f"docs/python.md snippet {i + 1}", "exec"), namespace)
