"""Run by .ci/runtime-only inside an environment built from requirements.lock alone.

Fails when a development-only package (one that requirements-dev.lock adds) is installed, when any
module of the project cannot be imported without the test tools, or when Django's checks fail.
"""

import importlib
import importlib.metadata
import os
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "sites", "trials", "consents", "indicators")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==", re.MULTILINE)


def pinned(lock: str) -> set[str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {name.lower().replace("_", "-") for name in PIN.findall(text)}


def installed_dev_only() -> list[str]:
    found = []
    for name in sorted(pinned("requirements-dev.lock") - pinned("requirements.lock")):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def project_modules() -> list[str]:
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in info.name:
                names.append(info.name)
    return names


def main() -> int:
    sys.path.insert(0, str(ROOT))
    dev_only = installed_dev_only()
    if dev_only:
        print(f"development-only packages installed from requirements.lock: {dev_only}")
        return 1
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    failures = []
    modules = project_modules()
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:
            failures.append(f"{name}: {error}")
    if failures:
        print("modules that need a development-only package:\n  " + "\n  ".join(failures))
        return 1
    from django.core.management import call_command

    call_command("check")
    print(
        f"runtime-only environment: {len(modules)} modules import, no development package installed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
