"""Write a new file in one piece, never over an existing one (the CLIs' ``--output``).

Looking whether the file exists creates nothing; the bytes are made only after that check,
written to a temporary file beside the target, flushed to disk, then linked to the target's
name, which fails if the name appeared meanwhile: a reader never sees half a file, and an
existing file is never replaced. Refusals are :class:`NewFileError` with one line from
``explorer/messages.toml`` (in the command line's language).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from explorer.cli_errors import os_problem
from explorer.i18n import t
from explorer.text import terminal_safe


class NewFileError(ValueError):
    """The file could not be written as a new file (one line, for the command line)."""


def write_new_file(target: Path, make: Callable[[], bytes], lang: str = "en") -> int:
    """Write ``make()`` to ``target``, which must not exist yet; return the number of bytes.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())  # (doctest only)
    >>> write_new_file(folder / "a.zip", lambda: b"PK")
    2
    >>> write_new_file(folder / "a.zip", lambda: b"other")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    explorer.newfile.NewFileError: .../a.zip already exists; choose another --output
    >>> (folder / "a.zip").read_bytes()
    b'PK'
    """
    target = Path(target)
    shown = terminal_safe(str(target))
    if target.exists() or target.is_symlink():
        raise NewFileError(t("cli.file_exists", lang, path=shown))
    payload = make()
    try:
        _write_then_link(target, payload)
    except FileExistsError:
        raise NewFileError(t("cli.file_exists", lang, path=shown)) from None
    except OSError as exc:
        problem = os_problem(exc, lang)
        raise NewFileError(t("cli.cannot_write", lang, path=shown, problem=problem)) from None
    return len(payload)


def _write_then_link(target: Path, payload: bytes) -> None:
    # Not mkstemp: the file gets the mode a plain open() would (0666 less the umask).
    temp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.part")
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, target)  # atomic, and refuses an existing name
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: claim the name, then replace it
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            os.replace(temp, target)
            temp = ""
    finally:
        if temp:
            os.unlink(temp)
