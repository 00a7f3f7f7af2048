"""What the allocation pages share about forms: the key a submitted form runs its command with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corredor.web.forms import KEY_FIELD, new_form_key


def form_key(form: Mapping[str, Any]) -> str:
    """The form's own key, so pressing the button twice runs the command once; a form sent
    without one (an old page) gets a fresh key and runs once."""
    sent = form.get(KEY_FIELD)
    return f"web:{sent}" if isinstance(sent, str) and 0 < len(sent) <= 64 else new_form_key()
