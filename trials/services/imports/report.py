"""The one report every import gives: what happened to each study and each site, in Norwegian."""

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "errors": len(self.errors),
            "files": len(self.files_skipped),
            "matched": self.sites_matched,
            "review": self.sites_review,
            "unmatched": self.sites_unmatched,
        }
        records = (
            ngettext(
                "%(created)s ny, %(updated)s oppdatert, %(unchanged)s uendret, "
                "%(skipped)s hoppet over, %(errors)s med feil",
                "%(created)s nye, %(updated)s oppdatert, %(unchanged)s uendret, "
                "%(skipped)s hoppet over, %(errors)s med feil",
                self.created,
            )
            % counts
        )
        if self.awaiting_assignment:
            records += ", " + _("%(waiting)s venter på ansvarlig organisasjon") % {
                "waiting": len(self.awaiting_assignment)
            }
        if self.files_skipped:
            records += (
                ", "
                + ngettext(
                    "%(files)s fil uten studier",
                    "%(files)s filer uten studier",
                    len(self.files_skipped),
                )
                % counts
            )
        sites = (
            _(
                "Studiesteder: %(matched)s gjenkjent, %(review)s til vurdering, "
                "%(unmatched)s ikke gjenkjent."
            )
            % counts
        )
        return f"{records}. {sites}"

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        return Counter(why for _ident, why in self.skipped).most_common()

    def lines(self, *, limit: int = 20) -> list[str]:
        """The report as text lines (the command prints them, the admin page shows them)."""
        lines = [self.summary()]
        lines += [
            _("Fil %(name)s (%(format)s): %(count)s poster")
            % {"name": name, "format": label or _("ukjent format"), "count": count}
            for name, label, count in self.files
        ]
        lines += [
            _("Feil i %(id)s: %(why)s") % {"id": ident, "why": why}
            for ident, why in self.errors[:limit]
        ]
        lines += [
            _("Fil uten studier, %(name)s: %(why)s") % {"name": name, "why": why}
            for name, why in self.files_skipped[:limit]
        ]
        lines += [
            _("Hoppet over (%(count)s): %(why)s") % {"count": count, "why": why}
            for why, count in self.skipped_by_reason()
        ]
        lines += [
            _("Foreslått statusendring i %(id)s: %(what)s") % {"id": ident, "what": what}
            for ident, what in self.status_proposals
        ]
        lines += [
            _("Identitet til vurdering, %(id)s: %(what)s") % {"id": ident, "what": what}
            for ident, what in self.identity_reviews
        ]
        lines += [
            _("Venter på ansvarlig organisasjon, %(id)s (sponsor %(sponsor)s)")
            % {"id": ident, "sponsor": sponsor or _("ukjent")}
            for ident, sponsor in self.awaiting_assignment
        ]
        lines += [
            _("Studiested til vurdering i %(id)s: %(site)s") % {"id": i, "site": site}
            for i, site in self.review_locations[:limit]
        ]
        lines += [
            _("Ukjent norsk sted i %(id)s: %(site)s") % {"id": i, "site": site}
            for i, site in self.unmatched_locations[:limit]
        ]
        return lines
