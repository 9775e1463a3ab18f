"""The production quality pages in Japanese and Simplified Chinese: navigation, title, heading and
the page's own words translated; only data (lots, parts, codes, numbers) left as it is. Uses the
detector of tests/portal/test_i18n.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.portal.test_i18n import DATA, NAV, english_words, get, leftovers, parse
from tests.quality.production_helpers import post, threshold

EXPECTED = {
    "lots": {"ja": ["生産品質", "部品別 12 週間の推移", "工程別の良品率", "不良コード別"],
             "zh-hans": ["生产质量", "各物料 12 周趋势", "各工序良率", "按缺陷代码"]},
    "lot": {"ja": ["検査・試験結果", "自動の不適合通知", "このロットに適用される購買側のしきい値"],
            "zh-hans": ["检验和测试结果", "自动不合格通知", "适用于此批次的采购方阈值"]},
}


@pytest.mark.parametrize("lang", ["ja", "zh-hans"])
def test_the_production_quality_pages_are_translated(tenant_a, lang, django_capture_on_commit_callbacks):
    threshold(limit=10000)
    with django_capture_on_commit_callbacks(execute=True):
        post(tenant_a, "MES-1", inspected=100, stage="incoming", defects={"SOLDER": 1})
        post(tenant_a, "MES-2", inspected=100, defects={"SOLDER": 2, "ELEC": 1})
    part = tenant_a.supplier_part.part
    urls = {"lots": reverse("production_quality:lots"),
            "lot": reverse("production_quality:lot", args=[part.pk, "LOT-ALPHA-A"])}
    data = DATA | {"ppm", "MES-1", "MES-2", "PLT1", "SOLDER", "ELEC", tenant_a.supplier.name,
                   tenant_a.member.email, "QN"}
    client = login(tenant_a.member)
    problems = {}
    for name, url in urls.items():
        english, page = get(client, url, None), get(client, url, lang)
        parsed, wrong = parse(page), []
        if f'<html lang="{lang}">' not in page:
            wrong.append("html lang")
        wrong += [f"missing {s!r}" for s in EXPECTED[name][lang] + NAV[lang] if s not in page]
        wrong += [f"English in the title: {w!r}" for w in english_words(parsed.title, data)]
        wrong += [f"English in the heading: {w!r}" for w in english_words(parsed.h1, data)]
        wrong += [f"untranslated: {t!r}" for t in leftovers(english, page, data)]
        if wrong:
            problems[name] = wrong
    assert not problems, problems
