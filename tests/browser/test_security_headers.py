"""The Content-Security-Policy in a real browser: the public pages, the admin and the API docs
load and work with it, and Chromium reports no violation and no console error on any of them."""

import pytest
from django.contrib.auth import get_user_model

from sites.models import UserScope
from sites.roles import user_scope_assign
from tests.factories import StudySiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-browser-tests-1"  # noqa: S105

# Runs before any script of the page: keeps every CSP violation Chromium reports.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push({
  directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
  line: e.lineNumber, sample: e.sample,
}));
"""


@pytest.fixture
def study(reference_data):
    return StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt", study__hrcs=["03"]
    ).study


@pytest.fixture
def coordinator(helse_vest):
    user = get_user_model().objects.create_user(
        username="koordinator-csp", password=PASSWORD, is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=helse_vest)
    return user


class Watched:
    """A page whose CSP violations, console errors, script errors and failed requests are kept."""

    def __init__(self, context):
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )

    def _console(self, message) -> None:
        # Production is HTTPS; over the test's plain HTTP Chromium ignores (and says so) the
        # Cross-Origin-Opener-Policy header on a non-localhost name. That is not a page error.
        if message.type == "error" and "Cross-Origin-Opener-Policy" not in message.text:
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        assert "Content-Security-Policy" in {k.title() for k in response.headers}
        self.page.wait_for_load_state("networkidle")

    def violations(self) -> list:
        return self.page.evaluate("window.__csp") + self.problems


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="nb-NO")
    context.add_init_script(COLLECT_VIOLATIONS)
    yield context
    context.close()


def test_the_study_finder_and_a_study_page_run_without_csp_violations(context, live_server, study):
    tab = Watched(context)
    tab.visit(f"{live_server.url}/")
    assert tab.page.get_by_role("link", name="Ny behandling av hjertesvikt").is_visible()
    assert tab.violations() == []
    tab.visit(f"{live_server.url}/studier/{study.public_id}/")
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Ny behandling av hjertesvikt"
    assert tab.violations() == []


def test_the_admin_signs_in_and_lists_studies_without_csp_violations(
    context, live_server, study, coordinator
):
    tab = Watched(context)
    tab.visit(f"{live_server.url}/admin/login/")
    assert tab.violations() == []
    tab.page.get_by_label("Brukernavn").fill(coordinator.username)
    tab.page.get_by_label("Passord").fill(PASSWORD)
    tab.page.locator("input[type=submit]").click()
    tab.page.wait_for_load_state("networkidle")
    assert "/admin/login/" not in tab.page.url
    tab.visit(f"{live_server.url}/admin/trials/study/")
    rows = tab.page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert study.public_id in rows.first.inner_text()
    # The admin's own JavaScript works under the policy: ticking a row enables the actions bar.
    tab.page.locator("#result_list tbody input.action-select").first.check()
    assert "1 av 1" in tab.page.locator(".action-counter").inner_text()
    assert tab.violations() == []


def test_the_api_docs_render_with_the_policy(context, live_server, study, settings):
    # Under a real host name: on localhost Swagger UI leaves out its (third-party) validator badge.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portefolje.test"]
    tab = Watched(context)
    tab.visit(live_server.url.replace("localhost", "portefolje.test") + "/api/v1/docs/")
    # Swagger UI (served from our own static files) has fetched the schema and drawn it.
    tab.page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=15_000)
    assert (
        tab.page.locator(".swagger-ui .title")
        .first.inner_text()
        .startswith("Kliniske studier i Norge")
    )
    assert tab.page.locator(".opblock-summary-path", has_text="/api/v1/studies/").count() >= 1
    assert tab.violations() == []
