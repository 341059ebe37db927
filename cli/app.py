"""The ``stanceframe`` command: wires the command modules into one Typer app.

Commands are listed in ``--help`` in the order a new user needs them, not
alphabetically: score first, then predict, train, evaluate and the rest.
"""

from __future__ import annotations

import os

import typer
from typer.core import TyperGroup

from stanceframe import __version__
from stanceframe.cli import (
    annotate_cmd,
    benchmark_cmd,
    data_cmd,
    evaluate_cmd,
    model_cmd,
    predict_cmd,
    score_cmd,
    speed_cmd,
    train_cmd,
)
from stanceframe.cli.common import catch_sigterm, setup_logging

ORDER = (
    "score",
    "predict",
    "train",
    "evaluate",
    "cv",
    "gate",
    "data",
    "annotate",
    "model",
    "speed",
)


class InOrder(TyperGroup):
    def list_commands(self, ctx) -> list[str]:
        rank = {name: i for i, name in enumerate(ORDER)}
        return sorted(self.commands, key=lambda name: (rank.get(name, len(ORDER)), name))


app = typer.Typer(
    name="stanceframe",
    cls=InOrder,
    help=(
        "Stance toward targets and framing devices (attribution, accusation, "
        "humanitarian appeal) in news text.\n\n"
        "Typical use: `stanceframe score article.txt --target Armenia` scores an "
        "article on the bundled default model (built on first use)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (score_cmd, predict_cmd, train_cmd, evaluate_cmd):
    module.register(app)
app.add_typer(data_cmd.app, name="data")
annotate_cmd.register(app)
for module in (model_cmd, speed_cmd, benchmark_cmd):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more to stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    setup_logging(verbose)


def main() -> None:
    # No model hub at run time: everything loads from local directories.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    catch_sigterm()
    app()


if __name__ == "__main__":
    main()
