"""Operators' view: a request id on every answer, one JSON log line per request naming the route's
template (never the URL as sent), no personal value in any log line, and Prometheus metrics."""

from __future__ import annotations

import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from corredor.kernel.logs import FIELDS
from tests.platform.conftest import Api
from tests.platform.journey import walk

CLIENT_SIDE = ("httpx", "httpcore")  # the test's own HTTP client logs what it sends


def test_every_answer_carries_a_request_id_and_a_plain_caller_id_is_kept(api: Api) -> None:
    fresh = api.client.get("/api/v1/health/live")
    assert len(fresh.headers["x-request-id"]) == 32
    kept = api.client.get("/api/v1/health/live", headers={"X-Request-ID": "lb-42.a"})
    assert kept.headers["x-request-id"] == "lb-42.a"
    odd = api.client.get("/api/v1/health/live", headers={"X-Request-ID": "a b<script>"})
    assert odd.headers["x-request-id"] != "a b<script>"


def test_a_journey_logs_route_templates_and_no_personal_value(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ids = walk(api, "tvrh_issued")
    api.get(f"/cases/{ids['case']}", "inm", "inm_officer")  # type: ignore[arg-type]
    lines = [r for r in caplog.records if r.name == "corredor.requests"]
    assert len(lines) >= 3
    routes = {getattr(r, "route", None) for r in lines}
    assert "/api/v1/cases/{case_id}" in routes
    principal = ids["case_body"]["persons"][0]
    personal = [principal["name"], principal["document_number"], principal["birth_date"]]
    personal.append(ids["case"])  # ids travel in paths; the log keeps the template only
    formatter = JsonFormatter(FIELDS)
    server = [r for r in caplog.records if not r.name.startswith(CLIENT_SIDE)]
    text = "\n".join(formatter.format(record) for record in server)
    for line in text.splitlines():
        json.loads(line)  # every line is one JSON object
    assert [value for value in personal if value in text] == []


def test_metrics_count_requests_by_route_and_report_the_audit_head(api: Api) -> None:
    walk(api, "registered")
    metrics = api.client.get("/metrics").text
    assert 'handler="/api/v1/cases"' in metrics
    assert "http_request_duration_seconds" in metrics
    (head,) = [line for line in metrics.splitlines() if line.startswith("corredor_audit_head_seq")]
    assert float(head.split()[-1]) >= 1
    assert "corredor_blocking_work_queue 0.0" in metrics
