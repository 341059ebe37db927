"""The import direction ARCHITECTURE.md promises: data, model, then eval/output/annotate/batch,
then training, then cli. A module importing against it fails here, naming the line."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "data": {"data"},
    "model": {"data", "model"},
    "eval": {"data", "model", "eval"},
    "output": {"data", "model", "output"},
    "annotate": {"data", "model", "eval", "annotate"},
    "batch": {"data", "model", "output", "batch"},
    "training": {"data", "model", "eval", "output", "annotate", "training"},
}
IMPORT = re.compile(r"^\s*(?:from|import)\s+stanceframe\.(\w+)", re.M)


def test_imports_run_one_way():
    wrong = []
    for folder, allowed in ALLOWED.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "corpus" in path.relative_to(ROOT / folder).parts:
                continue  # one-off corpus-building scripts, not part of the package
            text = path.read_text(encoding="utf-8")
            for match in IMPORT.finditer(text):
                layer = match.group(1)
                if layer not in allowed | {"errors", "api"}:
                    line = text[: match.start()].count("\n") + 1
                    wrong.append(f"{path.relative_to(ROOT)}:{line}: imports stanceframe.{layer}")
    assert not wrong, "\n".join(wrong)


def test_the_cli_imports_no_heavy_library_until_a_command_needs_it():
    import subprocess
    import sys

    heavy = ("torch", "transformers", "pyarrow", "datasets", "ray", "pandas")
    code = (
        "import sys, stanceframe.cli.app; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
