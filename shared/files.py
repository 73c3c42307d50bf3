"""Files and folders only their owner may read: a service's SQLite databases
and key store, the local signing key, the stack's logs and NATS's files. Made
0700 (folders) and 0600 (files) whatever the process's umask; SQLite gives a
database's -wal, -shm and -journal files the mode of the database file.

A file of ours made before with a wider mode is narrowed when it is opened
again; a folder that exists already keeps its mode (it may be one the operator
chose, such as the working directory): `chmod 700` it."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO

PRIVATE_UMASK = 0o077  # for a process that makes only private files (a service, the stack's children)
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: str | Path) -> Path:
    """`path` and every missing parent, made 0700."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another process: its maker chose its mode
            continue
        folder.chmod(0o700)  # mkdir's mode passes through the umask
    return path


def narrow(path: str | Path) -> None:
    """A file that exists: what its group and others could do, taken away (the owner's bits stay, so a file
    made read-only stays so). One we may not change (another user's, a read-only disk) is left as it is."""
    with suppress(OSError):  # FileNotFoundError, PermissionError, a read-only file system
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)


def private_file(path: str | Path) -> Path:
    """`path` made empty with mode 0600 when missing (its folders 0700), or narrowed."""
    path = Path(path)
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        narrow(path)
    return path


def private_sqlite(path: str | Path) -> Path:
    """A SQLite database file (and the side files SQLite makes with its mode) private."""
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        narrow(f"{path}{suffix}")
    return Path(path)


def open_private(path: str | Path, mode: str = "wb") -> IO:
    """`open(path, mode)` for writing ("w", "wb", "a", "ab"), the file made or narrowed to 0600."""
    assert mode.rstrip("b") in ("w", "a"), mode
    path = Path(path)
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode.startswith("a") else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"}))


def made_once(path: str | Path, make: Callable[[], bytes]) -> bytes:
    """A secret kept in a file of its own (a signing key): made by `make()` the first time, 0600 in a 0700
    folder from its first byte, and published whole (written aside, then linked into place), so a process
    starting beside this one reads the whole secret or makes its own and then reads the winner's; never a
    half-written one. A file made before with a wider mode, and its folder, are narrowed."""
    path = Path(path)
    private_dir(path.parent)
    narrow(path.parent)
    if not path.exists():
        aside = path.with_name(f".{path.name}.{os.getpid()}.new")
        with open_private(aside) as f:
            f.write(make())
        try:
            os.link(aside, path)
        except FileExistsError:  # another process published its own first: that one holds
            pass
        finally:
            aside.unlink()
    narrow(path)
    return path.read_bytes()
