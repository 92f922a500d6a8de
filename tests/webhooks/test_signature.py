"""The signature: HMAC-SHA256 over "<t>.<body>", refused outside the five-minute replay window,
for another body or another secret; the receiver's snippet in docs/webhooks.md checks what we
send."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webhooks.signature import REPLAY_WINDOW, secret_generate, signature_header, signature_verify

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BODY = b'{"event": "application.submitted", "id": "0b5c5d6e"}'
NOW = 1_796_529_600


@pytest.fixture
def secret() -> str:
    return secret_generate()


def test_a_signature_verifies_within_the_window(secret):
    header = signature_header(secret=secret, body=BODY, timestamp=NOW)
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert signature_verify(secret=secret, header=header, body=BODY, now=NOW + REPLAY_WINDOW)


@pytest.mark.parametrize(
    "change",
    ["late", "early", "body", "secret", "no timestamp", "garbage"],
)
def test_a_signature_is_refused(secret, change):
    header = signature_header(secret=secret, body=BODY, timestamp=NOW)
    body, key, now = BODY, secret, NOW
    if change == "late":
        now = NOW + REPLAY_WINDOW + 1
    elif change == "early":
        now = NOW - REPLAY_WINDOW - 1
    elif change == "body":
        body = BODY.replace(b"submitted", b"approved")
    elif change == "secret":
        key = secret_generate()
    elif change == "no timestamp":
        header = header.split(",", 1)[1]
    else:
        header = "nonsense"
    assert not signature_verify(secret=key, header=header, body=body, now=now)


def test_secrets_are_long_random_and_distinct():
    made = {secret_generate() for _ in range(20)}
    assert len(made) == 20 and all(s.startswith("whsec_") and len(s) >= 48 for s in made)


def test_the_documented_receiver_snippet_verifies_our_signatures(secret):
    # given the Python block of the docs
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 (our own docs)
    verify = namespace["webhook_verify"]
    header = signature_header(secret=secret, body=BODY, timestamp=NOW)
    # then it agrees with ours
    assert verify(secret, header, BODY, now=NOW + 10)
    assert not verify(secret, header, BODY + b" ", now=NOW + 10)
    assert not verify(secret, header, BODY, now=NOW + REPLAY_WINDOW + 1)
