"""The supplier portal in Japanese and Simplified Chinese in Debian's chromium: the dashboard, an order
to answer, the ASN form, the forecast grid, a quality notice and the scorecard, with CJK fonts.
Japanese comes from the browser's locale (Accept-Language ja-JP), Chinese from zh-CN (Django falls
back to zh-hans). Each page is screenshotted; nothing may stick out of the page or its box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_portal_orders_asn import session_cookie_for
from tests.portal.test_i18n import NAV, build_world, make_engineer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = ["dashboard", "order", "asn-form", "forecast", "notice", "scorecard"]
LOCALES = {"ja": "ja-JP", "zh-hans": "zh-CN"}
CJK_FONT = {"ja": "CJK JP", "zh-hans": "CJK SC"}

# Elements whose content is wider than their box, buttons and labels cut off, or anything that makes
# the page scroll sideways (tables scroll inside their .table-wrap on purpose, so they are left out).
OVERFLOW = """() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('page scrolls sideways');
  for (const el of document.querySelectorAll('button, .button, a.button, label, .badge, h1, h2, h3, nav a, .panel-count, dt, th')) {
    if (el.closest('.table-wrap, .visually-hidden')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'auto') out.push(el.tagName + ': ' + el.textContent.trim().slice(0, 40));
  }
  return out;
}"""



def fonts_of(page, selector: str) -> set[str]:
    """The fonts chromium really drew the element's text with (DevTools CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return {f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    finally:
        cdp.detach()


@pytest.fixture
def pages(live_server, tenant_a):
    return build_world(tenant_a, make_engineer())


@pytest.mark.parametrize("lang", list(LOCALES))
def test_portal_pages_in_cjk(browser, live_server, pages, lang):
    context = browser.new_context(base_url=live_server.url, locale=LOCALES[lang], viewport={"width": 1280, "height": 900})
    context.add_cookies([session_cookie_for(pages.member, live_server)])
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        for name in PAGES:
            page.goto(pages.urls[name])
            assert page.locator("html").get_attribute("lang") == lang
            nav = page.locator("nav.mainnav").inner_text()
            assert all(label in nav for label in NAV[lang]), nav
            assert page.evaluate(OVERFLOW) == [], name
            # Drawn with a CJK font (fonts-noto-cjk, from `make chromium`), not as boxes; and Chinese with the
            # Simplified Chinese cut, not with the Japanese shapes of the same code points.
            for selector in ("nav.mainnav li a", "h1"):
                fonts = fonts_of(page, selector)
                assert any(CJK_FONT[lang] in f for f in fonts), (name, selector, fonts)
            screenshot(page, f"i18n-{name}-{lang}")
        # The dashboard on a phone: the navigation and panels wrap, nothing scrolls sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(pages.urls["dashboard"])
        assert page.evaluate(OVERFLOW) == []
        screenshot(page, f"i18n-dashboard-phone-{lang}")
    finally:
        context.close()
