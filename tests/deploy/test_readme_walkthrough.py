"""The README's "whole business in the demo" must work as written: the client it logs in with
is one of the demo clients, and the witness agent it names serves that client's branch (an
agent sees only their own branch's queue, so another branch's agent would wait forever)."""

from __future__ import annotations

import re
from pathlib import Path

from fixtures.data import BRANCHES, CLIENTS, STAFF

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("**A whole business in the demo**")
    return text[start : text.index("###", start)]


def test_the_walkthrough_agent_serves_the_branch_of_the_client_it_logs_in_with():
    # given the walkthrough's client (its ID number) and its agent (a staff username)
    text = walkthrough()
    (id_number,) = set(re.findall(r"`(\d{17}[\dX])`", text))
    (client,) = [demo for demo in CLIENTS if demo.id_number == id_number]
    agents = {username: branch for username, _, role, branch, _ in STAFF if role == "witness_agent"}
    (agent,) = re.findall(r"^2\. Agent: \S+ as `(\w+)`", text, re.MULTILINE)
    assert agent in agents

    # then the agent is of the client's branch, and the branch the text names is that one
    assert agents[agent] == client.branch, (agent, client.name)
    (branch,) = [b["name"] for b in BRANCHES if b["code"] == client.branch]
    assert branch in text
    assert client.name in text
