"""Walk a flow through the session page, as a customer would, to every end."""

from kb.wizard.flows import flow_parse
from kb.wizard.models import WizardSession
from tests.wizard.conftest import FIXTURES, SAMPLES

PING = (SAMPLES / "linux-ping-lossy.txt").read_text()


def flow_definitions() -> dict[str, dict]:
    return {path.stem: flow_parse(path.read_text(encoding="utf-8"))
            for path in sorted((FIXTURES / "flows").glob("*.toml"))}


def edges(definition: dict) -> set[tuple]:
    """Every way out of every step: each choice, and "fixed" / "not fixed"."""
    found = set()
    for step in definition["steps"].values():
        if step["kind"] == "question":
            found |= {(step["id"], c["id"]) for c in step["choices"]}
        elif step["kind"] == "fix":
            found |= {(step["id"], "yes"), (step["id"], "no")}
        elif step["kind"] == "escalate":
            found.add((step["id"], "escalate"))
        else:
            found.add((step["id"], "next"))
    return found


def _leads_to_uncovered(definition: dict, step_id: str, uncovered: set, memo: dict) -> bool:
    if step_id not in memo:
        step = definition["steps"][step_id]
        mine = {e for e in uncovered if e[0] == step_id}
        if mine:
            memo[step_id] = True
        elif step["kind"] == "question":
            memo[step_id] = any(_leads_to_uncovered(definition, c["next"], uncovered, memo)
                                for c in step["choices"])
        elif step["kind"] == "escalate":
            memo[step_id] = False
        else:
            memo[step_id] = _leads_to_uncovered(definition, step["next"], uncovered, memo)
    return memo[step_id]


def post(client, session, **data):
    return client.post(f"/wizard/s/{session.id}/", data)


def walk_once(client, session: WizardSession, uncovered: set) -> tuple[str, list]:
    """Answer until an end, preferring ways not walked yet; returns (end, path)."""
    definition = session.definition
    path = []
    for _ in range(100):
        session.refresh_from_db()
        if session.outcome != "open":
            return session.outcome, path
        step = definition["steps"][session.current_step]
        memo: dict = {}
        if step["kind"] == "question":
            choice = next((c for c in step["choices"] if (step["id"], c["id"]) in uncovered),
                          None)
            if choice is None:
                choice = next((c for c in step["choices"]
                               if _leads_to_uncovered(definition, c["next"], uncovered, memo)),
                              step["choices"][0])
            edge, data = choice["id"], {"choice": choice["id"]}
        elif step["kind"] == "describe":
            edge, data = "next", {"text": "match-01" if step["field"] == "stream_id"
                                  else "The stream stutters since this morning."}
        elif step["kind"] == "paste":
            edge, data = "next", ({"skip": "1"} if step["optional"] and len(path) % 2
                                  else {"text": PING})
        elif step["kind"] in ("check",):
            edge, data = "next", {}
        elif step["kind"] == "fix":
            if (step["id"], "yes") in uncovered:
                edge = "yes"
            elif (step["id"], "no") in uncovered or _leads_to_uncovered(
                    definition, step["next"], uncovered, memo):
                edge = "no"
            else:
                edge = "yes"
            data = {"fixed": edge}
        else:
            region = "cn"
            response = post(client, session, action="escalate", region=region,
                            stream_id="match-01", note="")
            assert response.status_code == 302, response.content.decode()[:2000]
            uncovered.discard((step["id"], "escalate"))
            path.append((step["id"], "escalate"))
            continue
        response = post(client, session, step=step["id"], **data)
        assert response.status_code == 302, response.content.decode()[:2000]
        uncovered.discard((step["id"], edge))
        path.append((step["id"], edge))
    raise AssertionError(f"no end after 100 answers: {path}")
