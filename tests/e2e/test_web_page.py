"""The web page in headless Chromium, served by the real API over the real Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.browser_harness import SCREENSHOTS, chromium_browser, new_page, running_api
from tests.search_corpus import index_corpus

pytestmark = pytest.mark.e2e

@pytest.fixture
def indexed(es, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return index_corpus(es, settings)


@pytest.fixture
def base_url(settings, indexed) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_api(settings) as url:
        yield url


@pytest.fixture
def browser(base_url: str) -> Iterator[object]:
    with chromium_browser() as chromium:
        yield chromium


def _new_page(browser, bypass_csp: bool = False):  # type: ignore[no-untyped-def]
    return new_page(browser, height=900, bypass_csp=bypass_csp)


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    return _new_page(browser)


def _wait_for_results(page, count: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "n => document.querySelectorAll('#results .hit').length === n"
        " && !document.getElementById('status').textContent.startsWith('Searching')", arg=count)


def test_search_then_a_facet_narrows_the_results(page, base_url, indexed) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/")
    _wait_for_results(page, 7)  # everything, before any search

    page.fill("#q", "Kazakhstan")
    page.press("#q", "Enter")
    _wait_for_results(page, 4)
    assert page.locator("#status").inner_text().startswith("4 articles")
    assert page.locator("#results mark").count() >= 4  # highlighted snippets

    railways = page.locator('#facet-sector button[data-value="railways"]')
    assert railways.locator(".count").inner_text() == "2"
    railways.click()
    _wait_for_results(page, 2)
    titles = set(page.locator("#results .hit-title").all_inner_texts())
    assert titles == {"Gansu and Kazakhstan open a copper smelter",
                      "Lianyungang logistics base serves Kazakh rail freight"}
    for hit in page.locator("#results .hit").all():
        assert "railways" in hit.locator(".labels").inner_text()
    assert page.locator('#active-filters [data-value="railways"]').count() == 1
    assert page.locator('#facet-sector button[data-value="railways"]').get_attribute(
        "aria-pressed") == "true"
    assert "sector=railways" in page.url
    assert page.locator("#more").is_hidden()  # both hits are shown: nothing more to load
    links = page.locator("#results .hit-title a")
    assert links.first.get_attribute("href").startswith("https://news.example/")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    page.locator('#active-filters [data-value="railways"]').click()
    _wait_for_results(page, 4)


def test_pairings_view_draws_the_province_country_network(page, base_url, indexed) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/")
    _wait_for_results(page, 7)
    page.click("#tab-pairings")
    page.wait_for_function("() => document.querySelectorAll('#network path.edge').length === 6")
    assert page.locator("#articles-view").is_hidden()
    provinces = page.locator("#network .nodes.province .node").all_text_contents()
    assert provinces[0].startswith("Gansu")
    assert page.locator('#network .nodes.country .node[data-value="KZ"]').text_content().startswith(
        "Kazakhstan (KZ)")

    # SVG has no innerText: labels are read with textContent.
    widths = {
        (p.get_attribute("data-province"), p.get_attribute("data-country")):
            float(p.get_attribute("stroke-width"))
        for p in page.locator("#network path.edge").all()
    }
    assert widths[("Gansu", "KZ")] > widths[("Qinghai", "TM")]  # two articles against one

    page.locator('#network path.edge[data-province="Qinghai"]').hover()
    info = page.locator("#edge-info")
    info.wait_for(state="visible")
    assert "Qinghai ↔ Turkmenistan" in info.inner_text()
    assert "water-resources: 1 article(s)" in info.inner_text()
    assert page.locator("#edges tbody tr").count() == 6
    page.screenshot(path=str(SCREENSHOTS / "pairings.png"), full_page=True)

    page.locator('#network .nodes.province .node[data-value="Xinjiang"]').click()
    page.wait_for_function("() => document.querySelectorAll('#network path.edge').length === 2")
    assert "view=pairings" in page.url and "province=Xinjiang" in page.url


@pytest.mark.parametrize("content_security_policy", ["enforced", "bypassed"])
def test_markup_from_a_feed_is_shown_as_text_and_never_runs(
    browser, base_url, indexed, content_security_policy  # type: ignore[no-untyped-def]
) -> None:
    # With the policy bypassed, the page's own rendering is all that keeps feed markup inert.
    page = _new_page(browser, bypass_csp=content_security_policy == "bypassed")
    page.goto(base_url + "/?q=copper")
    _wait_for_results(page, 2)
    hostile = page.locator(f'#results .hit[data-id="{indexed["hostile"]}"]')
    assert hostile.locator(".hit-title").inner_text() == (
        '<script>window.__xss = "title"</script>Gansu copper <b>deal</b>')
    assert '<img src=x onerror="window.__xss = ' in hostile.locator(".snippets").inner_text()

    hostile.locator("button", has_text="Read full text").click()
    page.locator("#article").wait_for(state="visible")
    assert "<script>window.__xss = 'text2'</script>" in page.locator("#article-text").inner_text()
    page.wait_for_timeout(500)  # give any injected handler the chance to fire

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    injected = "#results script, #results img, #results b, #article script, #article img"
    assert page.locator(injected).count() == 0
