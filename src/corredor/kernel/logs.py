"""The server's logs: one JSON object per line, for an operator's log store.

Only what an operator needs goes in a line: the time, the level, the logger, the message and, for
requests, the request id, the method, the route's template (never the URL as sent: ids and
query values stay out), the status and the duration. Nothing personal is logged anywhere: the
routes log no bodies, and uvicorn's own access log (which prints the raw URL) is turned off.
"""

from __future__ import annotations

import logging
import sys
from typing import Final

from pythonjsonlogger.json import JsonFormatter

FIELDS: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(FIELDS, rename_fields={"asctime": "time", "levelname": "level"})
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):  # prints the raw URL: replaced by corredor.requests
        logging.getLogger(noisy).disabled = True
