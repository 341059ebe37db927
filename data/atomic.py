"""Writing output files so that a failure never leaves a half-written or lost file.

``atomic_write(path, write)``:

- a regular file (new or existing) is written to a temporary file in the same
  folder, then renamed over it: a crash, a full disk or Ctrl-C leaves the old
  file as it was. The old file's permission bits are kept; a new file gets
  the usual ones (0666 minus the umask), not a temporary file's 0600;
- a symlink is followed, and its target is replaced atomically in the
  target's own folder (the link stays a link);
- ``-``, a character device (``/dev/stdout``, ``/dev/null``), a FIFO or a
  socket is written through, never replaced by a regular file;
- an existing directory, a symlink loop and every ``OSError`` (disk full,
  read-only file system, permission denied) become one ``OutputError`` line
  naming the path, and no temporary file remains.

Temporary files are named ``.<name>.stanceframe-<pid>.tmp``: one left behind
by a killed process (SIGKILL cannot be caught) is removed by the next write
to the same path once that process is gone.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from stanceframe.errors import StanceframeError

STDOUT = "-"
TMP_TAG = ".stanceframe-"


class OutputError(StanceframeError):
    """An output could not be written; the message names the path and why."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: Path) -> Path:
    """Where the bytes go: the path itself, or the end of its symlink chain."""
    try:
        return path.resolve(strict=False) if path.is_symlink() else path
    except RuntimeError:  # Python < 3.13 raises RuntimeError on a loop
        raise OutputError(f"{path}: symlink loop") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise OutputError(f"{path}: symlink loop") from None
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _remove_stale(folder: Path, name: str) -> None:
    """Temporary files of earlier writes to ``name`` whose process has died."""
    prefix = f".{name}{TMP_TAG}"
    for leftover in folder.glob(f"{prefix}*.tmp"):
        pid = leftover.name[len(prefix) : -len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stream_through(target: Path, write: Callable[[IO[Any]], Any], binary: bool) -> Any:
    mode = "wb" if binary else "w"
    kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
    with open(target, mode, **kwargs) as fh:  # noqa: PTH123 - a device or FIFO, not a file
        return write(fh)


def atomic_write(path: str | Path, write: Callable[[IO[Any]], Any], binary: bool = False) -> Any:
    """Write via ``write(fh)`` to ``path`` (see the module docstring); its return value."""
    if str(path) == STDOUT:
        out = sys.stdout.buffer if binary else sys.stdout
        result = write(out)
        out.flush()
        return result
    path = Path(path)
    target = _target(path)
    try:
        info = target.stat() if target.exists() else None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: is a directory, expected a file")
    if info is not None and not stat.S_ISREG(info.st_mode):
        try:
            return _stream_through(target, write, binary)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    tmp = target.with_name(f".{target.name}{TMP_TAG}{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target.parent, target.name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else _TEXT)) as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        return result
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_TEXT = {"encoding": "utf-8", "newline": ""}
