"""Shared CLI plumbing: stderr console, error-to-exit-code mapping, logging.

Results go to stdout; logs, progress and errors to stderr. Exit codes:
0 success, 1 bad input / failed check, 2 usage error (Typer's own).
"""

from __future__ import annotations

import functools
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from stanceframe.data.errors import StanceframeError

F = TypeVar("F", bound=Callable[..., Any])


def err(message: str) -> None:
    """One line on stderr."""
    print(message, file=sys.stderr, flush=True)


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # transformers is chatty about unused weights and offline mode; keep stderr readable.
    logging.getLogger("transformers").setLevel(logging.ERROR)


class Terminated(BaseException):
    """SIGTERM (what ``timeout``, Slurm and Docker send), raised like Ctrl-C so that
    every ``finally`` runs and temporary files are removed."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def catch_sigterm() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)


def handle_errors(func: F) -> F:
    """Turn a ``StanceframeError`` into its lines on stderr and a non-zero exit;
    Ctrl-C exits 130 and SIGTERM 143, after the same clean-up."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except StanceframeError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                err(f"error: {line}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err("interrupted")
            raise typer.Exit(130) from None
        except Terminated:
            err("terminated")
            raise typer.Exit(143) from None

    return wrapper  # type: ignore[return-value]


# Options several commands share, declared once so their flags and help agree.
MODEL_OPTION = typer.Option(
    None,
    "--model",
    "-m",
    help="Model directory. Default: the bundled default model (built on first use).",
)
BATCH_OPTION = typer.Option(32, "--batch-size", min=1, help="Sentences per forward pass.")
THREADS_OPTION = typer.Option(0, "--threads", min=0, help="Torch threads (0: torch's default).")
PROGRESS_OPTION = typer.Option(True, "--progress/--no-progress", help="Progress bars on stderr.")

PRECISION_HELP = (
    "auto, fp32, bf16, bf16-mixed, int8 or int8-mixed. The -mixed modes run an "
    "approximate pass, then fp32 again for every sentence near a decision. bf16-mixed "
    "keeps fp32's labels; int8 is faster but changes about 7 % of them on this model. "
    "Default auto: bf16-mixed where the CPU computes bf16 natively, else fp32; "
    "$STANCEFRAME_PRECISION overrides."
)


def parse_precision(value: str) -> str:
    """``--precision`` checked, or a usage error (exit 2)."""
    from stanceframe.model.precision import check_precision

    try:
        return check_precision(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--precision") from None


def set_threads(threads: int) -> None:
    """Set torch's thread count once, before any model runs (0: torch's default).

    More threads than cores only adds contention: the count is clamped, with a warning.
    """
    if threads <= 0:
        return
    import os

    import torch

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if cores and threads > cores:
        err(f"warning: --threads {threads} is more than the {cores} core(s) here; using {cores}")
        threads = cores
    torch.set_num_threads(threads)


def resolve_model(model: Path | None, progress: bool = True, precision: str | None = None):
    """Load ``model``, or the default model (built on first use, with progress)."""
    import stanceframe

    return stanceframe.load_model(model, precision=precision, progress=progress)
