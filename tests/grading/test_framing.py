"""The one wire format between grader and sandbox: length-prefixed frames."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from defence_course.grading.framing import (
    HEADER,
    MAX_FRAME,
    pack,
    read_frame,
    read_frame_within,
    unpack_frame,
    write_frame,
)


class Pipe:
    """Both ends of a pipe, each closed once (a second close could hit a reused descriptor)."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.open = {self.read_fd, self.write_fd}

    def close(self, fd: int) -> None:
        if fd in self.open:
            self.open.discard(fd)
            os.close(fd)


@pytest.fixture
def pipe() -> Iterator[Pipe]:
    ends = Pipe()
    yield ends
    for fd in list(ends.open):
        ends.close(fd)


def test_round_trip_both_readers(pipe: Pipe) -> None:
    read_fd, write_fd = pipe.read_fd, pipe.write_fd
    write_frame(write_fd, b'{"a": 1}')
    write_frame(write_fd, b"")
    write_frame(write_fd, b"x" * 30_000)
    assert read_frame(read_fd) == b'{"a": 1}'
    assert read_frame_within(read_fd, 5) == b""
    assert read_frame_within(read_fd, 5) == b"x" * 30_000


def test_end_of_file_and_cut_frames_are_none(pipe: Pipe) -> None:
    read_fd, write_fd = pipe.read_fd, pipe.write_fd
    os.write(write_fd, pack(b"hello")[:-2])
    pipe.close(write_fd)
    assert read_frame(read_fd) is None
    assert unpack_frame(pack(b"hello")[:-1]) is None
    assert unpack_frame(pack(b"hello") + b"trailing") == b"hello"
    assert unpack_frame(b"\x00") is None


def test_an_oversized_frame_is_refused_unread(pipe: Pipe) -> None:
    read_fd, write_fd = pipe.read_fd, pipe.write_fd
    os.write(write_fd, HEADER.pack(MAX_FRAME + 1))
    assert read_frame(read_fd) is None
    os.write(write_fd, HEADER.pack(MAX_FRAME + 1))
    assert read_frame_within(read_fd, 5) is None


def test_silence_times_out(pipe: Pipe) -> None:
    read_fd, write_fd = pipe.read_fd, pipe.write_fd
    assert read_frame_within(read_fd, 0.05) is None
    os.write(write_fd, HEADER.pack(10) + b"part")  # a frame that never completes
    assert read_frame_within(read_fd, 0.05) is None
