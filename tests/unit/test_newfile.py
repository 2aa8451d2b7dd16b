"""--output files: made in one piece, never over an existing file, nothing left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from explorer import newfile
from explorer.newfile import NewFileError, write_new_file


def test_an_existing_file_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    target.write_bytes(b"keep")
    made = []
    with pytest.raises(NewFileError, match=r"out\.zip already exists; choose another --output"):
        write_new_file(target, lambda: made.append(1) or b"new")
    assert made == [] and target.read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip"]


def test_a_dangling_link_counts_as_existing(tmp_path: Path) -> None:
    (tmp_path / "out.zip").symlink_to(tmp_path / "nowhere")
    with pytest.raises(NewFileError):
        write_new_file(tmp_path / "out.zip", lambda: b"x")
    assert not (tmp_path / "nowhere").exists()


def test_written_whole_with_the_usual_mode_and_no_temporary_left(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    assert write_new_file(target, lambda: b"x" * 5000) == 5000
    assert target.read_bytes() == b"x" * 5000
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.zip"]


def test_nothing_is_created_when_making_the_bytes_fails(tmp_path: Path) -> None:
    def boom() -> bytes:
        raise ValueError("no such edition")

    with pytest.raises(ValueError, match="no such edition"):
        write_new_file(tmp_path / "out.zip", boom)
    assert list(tmp_path.iterdir()) == []


def test_a_file_appearing_meanwhile_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"

    def racing() -> bytes:
        target.write_bytes(b"theirs")  # another process wins the name after the check
        return b"ours"

    with pytest.raises(NewFileError, match="already exists"):
        write_new_file(target, racing)
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["out.zip"]


def test_without_hard_links_the_name_is_claimed_then_replaced(tmp_path, monkeypatch) -> None:
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(newfile.os, "link", no_links)
    target = tmp_path / "out.zip"
    assert write_new_file(target, lambda: b"data") == 4
    assert target.read_bytes() == b"data" and [p.name for p in tmp_path.iterdir()] == ["out.zip"]


def test_an_unwritable_folder_is_one_line_in_welsh_too(tmp_path: Path) -> None:
    with pytest.raises(NewFileError, match=r"ni ellir ysgrifennu .*missing.*out\.zip \("):
        write_new_file(tmp_path / "missing" / "out.zip", lambda: b"x", lang="cy")
