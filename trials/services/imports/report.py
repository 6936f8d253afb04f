"""The one report every import gives: what happened to each study and each site, in Norwegian."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (registry id, why)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (record or file, why)
    sites_matched: int = 0
    sites_review: int = 0
    sites_unmatched: int = 0
    unmatched_locations: list[tuple[str, str]] = field(default_factory=list)  # (id, site)
    review_locations: list[tuple[str, str]] = field(default_factory=list)
    status_proposals: list[tuple[str, str]] = field(default_factory=list)  # (id, what)
    identity_reviews: list[tuple[str, str]] = field(default_factory=list)
    # (id, sponsor): in Norway, no Norwegian organisation named; a coordinator assigns one
    awaiting_assignment: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file, format, records)
    files_skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) not records

    @property
    def records(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped) + len(self.errors)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        waiting = len(self.awaiting_assignment)
        return (
            f"{self.created} nye, {self.updated} oppdatert, {self.unchanged} uendret, "
            f"{len(self.skipped)} hoppet over, {len(self.errors)} med feil"
            f"{f', {waiting} venter på ansvarlig organisasjon' if waiting else ''}"
            f"{f', {len(self.files_skipped)} filer uten studier' if self.files_skipped else ''}. "
            "Studiesteder: "
            f"{self.sites_matched} gjenkjent, {self.sites_review} til vurdering, "
            f"{self.sites_unmatched} ikke gjenkjent."
        )

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        return Counter(why for _ident, why in self.skipped).most_common()

    def lines(self, *, limit: int = 20) -> list[str]:
        """The report as text lines (the command prints them, the admin page shows them)."""
        lines = [self.summary()]
        lines += [
            f"Fil {name} ({label or 'ukjent format'}): {count} poster"
            for name, label, count in self.files
        ]
        lines += [f"Feil i {ident}: {why}" for ident, why in self.errors[:limit]]
        lines += [f"Fil uten studier, {name}: {why}" for name, why in self.files_skipped[:limit]]
        lines += [f"Hoppet over ({count}): {why}" for why, count in self.skipped_by_reason()]
        lines += [
            f"Foreslått statusendring i {ident}: {what}" for ident, what in self.status_proposals
        ]
        lines += [
            f"Identitet til vurdering, {ident}: {what}" for ident, what in self.identity_reviews
        ]
        lines += [
            f"Venter på ansvarlig organisasjon, {ident} (sponsor {sponsor or 'ukjent'})"
            for ident, sponsor in self.awaiting_assignment
        ]
        lines += [f"Studiested til vurdering i {i}: {s}" for i, s in self.review_locations[:limit]]
        lines += [f"Ukjent norsk sted i {i}: {s}" for i, s in self.unmatched_locations[:limit]]
        return lines
