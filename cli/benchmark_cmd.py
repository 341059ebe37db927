"""``stanceframe benchmark NAME``: public benchmarks (SemEval-2016, NewsMTSC, PolNeAR).

A thin layer over ``stanceframe.training.benchmarks.run_benchmark``. A
benchmark whose data is absent is skipped with a message and exit 0, so CI
without the external data stays green.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stanceframe.cli.common import PROGRESS_OPTION, err, handle_errors

# The shared external-data folder as seen from a checkout next to it.
DEFAULT_DATA_DIR = Path("../shared/external")
DEFAULT_OUT = Path("eval/reports/benchmarks")
NAMES = ("semeval2016", "newsmtsc", "polnear")


@handle_errors
def benchmark(
    name: str = typer.Argument(..., help="semeval2016, newsmtsc, polnear, or all."),
    data_dir: Path = typer.Option(
        None,
        "--data-dir",
        "-d",
        help="Folder holding the datasets (default: ../shared/external if it exists).",
    ),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder for NAME.json and NAME.md."),
    max_train: int = typer.Option(
        None,
        "--max-train",
        min=0,
        help="Training rows kept (seeded sample; 0 = all). Default per benchmark.",
    ),
    epochs: int = typer.Option(
        None, "--epochs", min=1, help="Training epochs. Default per benchmark."
    ),
    max_length: int = typer.Option(
        None,
        "--max-length",
        min=16,
        help="Tokens per (sentence, target) input. Default per benchmark.",
    ),
    seed: int = typer.Option(13, help="Seed for sampling, the dev carve and training."),
    base_model: str = typer.Option(
        "", help="Base encoder to fine-tune (default: bundled MiniLM-L6)."
    ),
    model: Path = typer.Option(
        None, "--model", "-m", help="polnear: model directory (default: the default model)."
    ),
    notes: Path = typer.Option(
        None, "--notes", help="Markdown file added to the report as its Notes section."
    ),
    progress: bool = PROGRESS_OPTION,
) -> None:
    """Public benchmarks: train where there is training data, evaluate, report."""
    if name not in (*NAMES, "all"):
        raise typer.BadParameter(
            f"{name!r} is not one of {', '.join(NAMES)}, all", param_hint="NAME"
        )
    if data_dir is None and DEFAULT_DATA_DIR.is_dir():
        data_dir = DEFAULT_DATA_DIR
    settings = dict(
        max_train=max_train,
        epochs=epochs,
        max_length=max_length,
        base_model=base_model,
        seed=seed,
        notes_file=notes,
        progress=progress,
    )
    for bench in NAMES if name == "all" else (name,):
        _run_one(bench, data_dir, out, model if bench == "polnear" else None, settings)


def _run_one(bench: str, data_dir: Path | None, out: Path, model: Path | None, settings) -> None:
    from stanceframe.data.importers import locate
    from stanceframe.training.benchmarks import data_missing_message, run_benchmark

    if data_dir is None or locate(bench, data_dir) is None:
        err(data_missing_message(bench, data_dir))
        return
    err(f"benchmark {bench}: data under {data_dir}, reports to {out}")
    report = run_benchmark(bench, data_dir, out, model_dir=model, **settings)
    print(json.dumps(_summary(bench, report, out), ensure_ascii=False))


def _summary(name: str, report: dict, out: Path) -> dict:
    from stanceframe.training.benchmark_report import headline

    return {
        "benchmark": name,
        **headline(name, report),
        "target_met": report["target"]["met"],
        "json": str(out / f"{name}.json"),
        "markdown": str(out / f"{name}.md"),
    }


def _help() -> str:
    """The command's help, with the default budgets read from the code that uses them."""
    from stanceframe.training.budgets import DEFAULT_BUDGETS

    budgets = "; ".join(
        f"{name} --epochs {b.epochs} --max-length {b.max_length} --max-train {b.max_train}"
        for name, b in DEFAULT_BUDGETS.items()
    )
    return (
        "Public benchmarks: train where the benchmark has training data (its own train "
        "split), evaluate on its test data, and write a report beside the published "
        f"figures.\n\nDefault budgets (0 = all rows): {budgets}; polnear trains nothing and "
        "scores the default model's attribution frame."
    )


def register(app: typer.Typer) -> None:
    app.command(help=_help())(benchmark)
