"""Answer keys: a question's answers hidden in an encoded `key`, so a bank file shows learners no spoilers."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

from defence_course.quiz.parsing import Ctx, is_map

KEY_PREFIX = "dc1:"
_KEY_SALT = b"defence-course quiz key v1"

# Fields that may stay readable in a committed (encoded) question; all else goes into `key`.
PUBLIC_FIELDS = ("id", "type", "prompt", "unit", "shuffle", "skill")
# Fields whose presence in a committed bank means an answer key is readable.
SECRET_FIELDS = (
    "correct", "answer", "answers", "tolerance", "range", "pairs", "feedback",
    "explanation", "mistakes", "distractors",
)

ENCODED_HEADER = """\
# Quiz bank, ENCODED: answers, feedback and explanations are in each question's `key`, so a
# learner who opens this file sees no spoilers. Do not edit `key` by hand. To change the bank:
#   defence-course quiz decode THIS_FILE -o quiz-drafts/NAME.yaml   (plain, readable draft)
#   ... edit the draft ...
#   defence-course quiz encode quiz-drafts/NAME.yaml -o THIS_FILE
# The format is documented in docs/quiz-format.md.
"""



# --------------------------------------------------------------------------- encoding


def _keystream(question_id: str, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(_KEY_SALT + question_id.encode() + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


def encode_key(question_id: str, secret: Mapping[str, Any]) -> str:
    """Hide a question's answer fields: JSON, zlib, XOR with a stream from the id, base64.

    Why: this stops spoilers, not cheats. It is deterministic (same input, same key), so
    re-encoding an unchanged bank leaves a clean git diff. The stream depends only on the
    question id, so a bank file can be renamed or a question moved to another bank.
    """
    # No sort_keys: `pairs` order is the authored order of the left items.
    payload = json.dumps(plain_data(secret), ensure_ascii=False,
                         separators=(",", ":")).encode()
    packed = zlib.compress(payload, 9)
    mixed = bytes(a ^ b for a, b in zip(packed, _keystream(question_id, len(packed)), strict=True))
    return KEY_PREFIX + base64.b64encode(mixed).decode("ascii")


def decode_key(question_id: str, key: str) -> dict[str, Any]:
    """Reverse `encode_key`; raise ValueError when the key is damaged or belongs elsewhere."""
    if not key.startswith(KEY_PREFIX):
        raise ValueError(f"a key starts with {KEY_PREFIX!r}")
    try:
        mixed = base64.b64decode(key[len(KEY_PREFIX):], validate=True)
        packed = bytes(a ^ b for a, b in zip(mixed, _keystream(question_id, len(mixed)),
                                             strict=True))
        secret = json.loads(zlib.decompress(packed).decode())
    except (ValueError, zlib.error) as error:
        raise ValueError(
            "the key is damaged, or the question id was changed after encoding"
        ) from error
    if not isinstance(secret, dict):
        raise ValueError("the key does not hold a mapping")
    return secret


def plain_data(value: Any) -> Any:
    """Turn loader objects (line-tracking dicts, bool keys) into plain JSON-able data."""
    if isinstance(value, Mapping):
        return {(str(k).lower() if isinstance(k, bool) else k): plain_data(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value


def _public_display(node: Mapping[str, Any]) -> dict[str, Any]:
    """Fields an encoded question keeps readable so the widget can draw it without the key."""
    kind = node.get("type")
    public: dict[str, Any] = {k: node[k] for k in PUBLIC_FIELDS if k in node}
    if kind in ("single", "multiple"):
        public["options"] = [o if isinstance(o, str) else o.get("text")
                             for o in node.get("options", [])]
    elif kind == "ordering":
        texts = [i if isinstance(i, str) else i.get("text") for i in node.get("items", [])]
        shown = sorted(texts, key=lambda t: str(t).casefold())
        public["items"] = shown[::-1] if shown == texts else shown
    elif kind == "matching":
        raw = node.get("pairs")
        pairs: list[tuple[Any, Any]]
        if is_map(raw):
            pairs = list(raw.items())
        else:
            pairs = [(p.get("left"), p.get("right")) for p in raw or [] if is_map(p)]
        public["left"] = [left for left, _ in pairs]
        rights = {r for _, r in pairs} | set(node.get("distractors", []) or [])
        public["right"] = sorted(rights, key=lambda t: str(t).casefold())
    return public


def encode_question(node: Mapping[str, Any]) -> dict[str, Any]:
    """Split a plain question into readable display fields and an encoded `key`."""
    qid = str(node["id"])
    secret = {k: v for k, v in node.items() if k not in PUBLIC_FIELDS}
    encoded = _public_display(node)
    encoded["key"] = encode_key(qid, secret)
    plain: dict[str, Any] = plain_data(encoded)
    return plain


def merge_encoded(ctx: Ctx, node: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild the plain question from an encoded one, checking the readable copy agrees."""
    qid = node.get("id")
    if not isinstance(qid, (str, int)) or isinstance(qid, bool):
        raise ctx.fail("an encoded question needs its `id:`", "id", node)
    ctx.question = str(qid)
    key = node.get("key")
    if not isinstance(key, str):
        raise ctx.fail("must be the text written by `defence-course quiz encode`", "key", node)
    try:
        secret = decode_key(str(qid), key)
    except ValueError as error:
        raise ctx.fail(f"{error}; decode with the old id or re-encode the plain draft", "key",
                       node) from None
    leaked = [k for k in node if k in SECRET_FIELDS]
    if leaked:
        raise ctx.fail("an encoded question must not also hold plain answer fields; remove them "
                       "or re-encode", leaked[0], node)
    plain = {k: v for k, v in node.items() if k in PUBLIC_FIELDS}
    plain.update(secret)
    expected = _public_display(plain)
    for name in ("options", "items", "left", "right"):
        if name in node and node[name] != expected.get(name):
            raise ctx.fail("differs from the encoded key (edited by hand?); edit the plain draft "
                           "and run `defence-course quiz encode` again", name, node)
    return plain

