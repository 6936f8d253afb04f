"""manage.py build_norway_outline countries-50m.json — draw the map behind the study page."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trials.web.site_map import outline_svg

OUTLINE = Path(__file__).resolve().parents[2] / "static" / "trials" / "norge.svg"


class Command(BaseCommand):
    help = (
        "Tegner omrisset av Norge (static/trials/norge.svg) fra Natural Earths landegrenser i "
        "TopoJSON (countries-50m.json fra npm-pakken world-atlas). Kjøres bare når kartet skal "
        "tegnes på nytt; filen ligger i kodebasen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("topology", type=Path)

    def handle(self, *args, topology: Path, **options) -> None:
        try:
            data = json.loads(topology.read_text(encoding="utf-8"))
            svg = outline_svg(data)
        except (OSError, ValueError, KeyError, StopIteration) as exc:
            raise CommandError(f"Kunne ikke lese landegrensene i {topology}: {exc}") from exc
        OUTLINE.write_text(svg, encoding="utf-8")
        self.stdout.write(f"Skrev {OUTLINE} ({len(svg.encode()) // 1024} KiB).")
