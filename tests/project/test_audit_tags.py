"""Audit tags are named once (corredor.kernel.audit_tags): no module writes a tag by hand, and a
step with no tag is refused rather than invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import corredor
from corredor.allocation.domain.booking import BookingAction
from corredor.cases.domain.workflow import Action
from corredor.kernel.audit_tags import AuditTag

SRC = Path(corredor.__file__).parent
HAND_WRITTEN = re.compile(r"""["'](?:platform|allocation):[a-z_]+:[a-z_]+["']""")


def test_no_module_writes_a_tag_by_hand() -> None:
    found = {
        str(path.relative_to(SRC)): HAND_WRITTEN.findall(path.read_text(encoding="utf-8"))
        for path in SRC.rglob("*.py")
        if path.name != "audit_tags.py"
    }
    assert {file: tags for file, tags in found.items() if tags} == {}
    assert HAND_WRITTEN.search('audit.append(s, who, "platform:case:read")')  # it can fail


@pytest.mark.parametrize("action", list(Action))
def test_every_case_step_has_its_tag(action: Action) -> None:
    assert AuditTag.of("case", action) == f"platform:case:{action}"


@pytest.mark.parametrize("action", list(BookingAction))
def test_every_booking_step_has_its_tag(action: BookingAction) -> None:
    assert AuditTag.of("booking", action) == f"allocation:booking:{action}"


def test_a_step_without_a_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="no audit tag for case:teleport"):
        AuditTag.of("case", "teleport")


def test_every_tag_is_unique_and_well_formed() -> None:
    values = [tag.value for tag in AuditTag]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"(platform|allocation):[a-z_]+:[a-z_]+", v) for v in values)
