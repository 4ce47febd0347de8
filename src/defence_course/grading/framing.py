"""Length-prefixed JSON frames between the grader and its sandbox: the one wire format, both sides."""

from __future__ import annotations

import os
import select
import struct
import time

HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024
"""A frame claiming more is refused: a learner's code must not make the grader allocate it."""


def pack(payload: bytes) -> bytes:
    """One frame: a 4-byte big-endian length, then the payload."""
    return HEADER.pack(len(payload)) + payload


def write_frame(fd: int, payload: bytes) -> None:
    """Write one length-prefixed frame, retrying short writes."""
    view = memoryview(pack(payload))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, n: int) -> bytes | None:
    """Read exactly n bytes from fd, or None at end of file."""
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes | None:
    """Read one length-prefixed frame (blocking), or None at end of file or when oversized."""
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        return None
    return read_exact(fd, size)


def read_frame_within(fd: int, timeout: float) -> bytes | None:
    """Read one frame within `timeout` seconds, or None (time out, end of file, oversized)."""
    deadline = time.monotonic() + timeout
    buffer = b""
    need: int | None = None
    while need is None or len(buffer) < need:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        want = HEADER.size - len(buffer) if need is None else need - len(buffer)
        chunk = os.read(fd, min(max(want, 1), 1 << 20))
        if not chunk:
            return None
        buffer += chunk
        if need is None and len(buffer) >= HEADER.size:
            (need,) = HEADER.unpack(buffer[:HEADER.size])
            if need > MAX_FRAME:
                return None
            buffer = buffer[HEADER.size:]
    return buffer[:need]


def unpack_frame(buffer: bytes) -> bytes | None:
    """The payload of the complete frame at the start of `buffer`, or None if it is cut short."""
    if len(buffer) < HEADER.size:
        return None
    (size,) = HEADER.unpack(buffer[:HEADER.size])
    body = buffer[HEADER.size:HEADER.size + size]
    return body if len(body) == size else None
