"""The catalogue: every version of every pathway, and screening a person against all of them."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from corredor.screening.domain.facts import Profile
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.rules import Decision, Outcome, Reason, evaluate


class CatalogueError(ValueError):
    """Versions of one pathway that contradict each other."""


class Catalogue:
    def __init__(self, policies: Iterable[Policy]) -> None:
        versions: dict[str, list[Policy]] = defaultdict(list)
        for policy in policies:
            versions[policy.id].append(policy)
        for pathway, found in versions.items():
            found.sort(key=lambda policy: policy.effective_from)
            names = [policy.version for policy in found]
            if len(set(names)) != len(names):
                raise CatalogueError(f"{pathway}: two files carry the same version")
            for earlier, later in itertools.pairwise(found):
                if (
                    earlier.effective_until is None
                    or earlier.effective_until >= later.effective_from
                ):
                    raise CatalogueError(
                        f"{pathway}: version {earlier.version} is still in effect when "
                        f"version {later.version} starts on {later.effective_from}; "
                        f"end it with effective_until"
                    )
        self._versions = dict(sorted(versions.items()))

    def pathway_ids(self) -> list[str]:
        return list(self._versions)

    def versions(self, pathway: str) -> list[Policy]:
        return list(self._versions[pathway])

    def all_policies(self) -> list[Policy]:
        return [policy for found in self._versions.values() for policy in found]

    def in_effect(self, pathway: str, as_of: date) -> Policy | None:
        return next((p for p in self._versions[pathway] if p.in_effect(as_of)), None)

    def screen(self, profile: Profile, as_of: date) -> list[Decision]:
        """Every pathway's decision for one person on a date.

        A profile with a date after `as_of` (a birth date in the future) is refused with
        `FactError` naming the field: it is bad input, never screened.
        """
        profile.check_dates(as_of)
        facts = profile.known_facts()
        decisions = []
        for pathway in self._versions:
            policy = self.in_effect(pathway, as_of)
            if policy is None:
                decisions.append(self._not_in_effect(pathway, as_of))
            else:
                decisions.append(evaluate(policy, facts, as_of))
        return decisions

    def _not_in_effect(self, pathway: str, as_of: date) -> Decision:
        versions = self._versions[pathway]
        upcoming = [policy for policy in versions if policy.effective_from > as_of]
        if upcoming:
            policy = upcoming[0]
            opens = policy.effective_from.isoformat()
            reason = Reason(
                key="pathway.not_yet_open",
                text=f"This pathway opens on {opens}",
                params={"opens": opens},
            )
        else:
            policy = versions[-1]
            assert policy.effective_until is not None  # versions cover every day after the last
            closed = (policy.effective_until + timedelta(days=1)).isoformat()
            reason = Reason(
                key="pathway.closed",
                text=f"This pathway is closed to new applications since {closed}",
                params={"closed": closed},
            )
        return Decision(
            pathway=pathway,
            version=policy.version,
            as_of=as_of,
            outcome=Outcome.NOT_ELIGIBLE,
            reasons=(reason,),
        )
