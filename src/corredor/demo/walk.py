"""`corredor demo`: a Haitian family walked to work authorization through the real HTTP API,
served in-process (or by a running server), each step said as it happens."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import uvicorn
from rich.console import Console

from corredor.app import create_app
from corredor.demo.seed import SHARED, demo_household, demo_portrait
from corredor.platform import Platform
from corredor.web.demo import DEMO_PASSWORD

console = Console()


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(platform: Platform, host: str, port: int) -> Iterator[str]:
    """The real app, served by uvicorn in a thread, for as long as the block runs."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(platform=platform), host=host, port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a safety stop on a loaded machine
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Walk:
    """A client that signs in as each demo account and says who does what."""

    def __init__(self, client: httpx.Client, quiet: bool) -> None:
        self.client, self.quiet, self.tokens = client, quiet, dict[str, str]()
        self.step = 0

    def token(self, username: str) -> str:
        if username not in self.tokens:
            answer = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
            )
            answer.raise_for_status()
            self.tokens[username] = answer.json()["access_token"]
        return self.tokens[username]

    def call(self, who: str, method: str, path: str, what: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token(who)}"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        answer = self.client.request(method, f"/api/v1{path}", json=body, headers=headers)
        if answer.status_code >= 400:
            raise RuntimeError(f"{what}: {answer.status_code} {answer.text}")
        result = answer.json()
        if not self.quiet:
            self.step += 1
            state = result.get("state", "") if isinstance(result, dict) else ""
            console.print(
                f"[bold]{self.step:>2}.[/] [cyan]{who}[/] {what}"
                + (f"  [dim]-> {state}[/]" if state else "")
            )
        return result

    def upload(self, who: str, path: str, what: str, photo: bytes) -> Any:
        """A holder's photo, sent as the desk sends it: multipart, with the consent given."""
        headers = {"Authorization": f"Bearer {self.token(who)}"}
        answer = self.client.put(
            f"/api/v1{path}",
            files={"photo": ("photo.jpg", photo, "image/jpeg")},
            data={"consent": "true"},
            headers=headers,
        )
        if answer.status_code >= 400:
            raise RuntimeError(f"{what}: {answer.status_code} {answer.text}")
        if not self.quiet:
            self.step += 1
            console.print(f"[bold]{self.step:>2}.[/] [cyan]{who}[/] {what}")
        return answer.json()


def walk_family(base: str, *, quiet: bool = False) -> str:
    """A Haitian family from Ciudad Hidalgo to work authorization, through the HTTP API."""
    with httpx.Client(base_url=base, timeout=30) as client:
        w = Walk(client, quiet)
        me = w.call("marie", "GET", "/me", "signs in on her phone")
        case = w.call(
            "inm.hidalgo",
            "POST",
            "/cases",
            "registers Marie-Claude Joseph and her children (4 and 9) at Ciudad Hidalgo, "
            "ground: asylum seeker",
            demo_household(me["id"], date.today()).model_dump(mode="json"),
        )
        cid = case["id"]
        w.upload(
            "inm.hidalgo",
            f"/cases/{cid}/persons/0/photo",
            "takes Marie-Claude's photo at the desk, with her consent, for her card",
            demo_portrait(),
        )
        issued = w.call("inm.hidalgo", "POST", f"/cases/{cid}/tvrh", "issues the TVRH")
        card = next(g for g in issued["grants"] if g["kind"] == "tvrh")
        fields = [str(field) for field in SHARED]
        consent = w.call(
            "marie",
            "POST",
            f"/cases/{cid}/consents",
            "consents to share her family's identity and TVRH with CBP for parole",
            {"recipient": "CBP", "purpose": "parole", "fields": fields},
        )
        disclosure = w.call(
            "inm.hidalgo",
            "POST",
            f"/cases/{cid}/disclosures",
            "discloses those fields to CBP",
            {"consent_id": consent["id"], "fields": fields},
        )
        if not quiet:
            console.print(
                f"    TVRH {card['number']} valid {card['valid_from']} to {card['valid_until']}; "
                f"the family travels to Mexico City"
            )
        w.call(
            "marie",
            "POST",
            f"/cases/{cid}/assignments",
            "asks UNHCR's caseworkers at the assisted site in Mexico City to help with her case",
            {
                "agency": "UNHCR",
                "site_id": "mx-cmx-assisted-site",
                "reason": "help applying for parole at the assisted site",
            },
        )
        w.call(
            "acnur.cdmx",
            "POST",
            f"/cases/{cid}/parole-application",
            "(UNHCR) applies for parole with Marie at the assisted site, on her behalf",
            {"channel": "assisted_site", "site_id": "mx-cmx-assisted-site"},
        )
        w.call("cbp.cdmx", "GET", f"/disclosures/{disclosure['id']}/data", "reads the disclosure")
        vetting = w.call("cbp.cdmx", "POST", f"/cases/{cid}/vetting", "runs vetting")
        if not quiet:
            console.print(f"    vetting: {vetting['outcome']} ({vetting['source']})")
        granted = w.call(
            "cbp.cdmx",
            "POST",
            f"/cases/{cid}/parole-decision",
            "grants advance parole, travel by flight to Miami (MIA)",
            {"decision": "grant", "travel_mode": "flight", "port_id": "us-fl-mia"},
        )
        decision = next(d for d in granted["decisions"] if d["subject"] == "parole")
        if not quiet:
            console.print(
                f"    decided under {decision['policy_id']}@{decision['policy_version']}: "
                f"{', '.join(decision['clauses'])}"
            )
        done = w.call(
            "cbp.cdmx",
            "POST",
            f"/cases/{cid}/admission",
            "records admission at MIA (paroled in)",
            {"port_id": "us-fl-mia"},
        )
        work = next(g for g in done["grants"] if g["kind"] == "work_authorization")
        if not quiet:
            console.print(
                f"[bold green]work authorized[/]: {work['number']} "
                f"({work['details']['category']}, from parole {work['details']['parole']}) "
                f"valid {work['valid_from']} to {work['valid_until']}"
            )
        return str(cid)
