"""Every supplier-facing page in Japanese and Simplified Chinese: the navigation, the page title and
the page's own words come out translated; only data (numbers, codes, names) stays as entered.

Each page is rendered three times (English, Japanese by Accept-Language, Chinese by the language
cookie). A text node or attribute shown in the translated page exactly as in the English page and
made of English words is an untranslated string, unless it is data listed in ``DATA``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from suppliers.audit import Actor
from tests.conftest import login, make_user
from tests.forecasts.conftest import weekly
from tests.portal.conftest import confirm_all, make_order
from tests.scorecards.conftest import Book, Line, recompute

LANGS = ["ja", "zh-hans"]

# What the main navigation says; none of the English labels may remain.
NAV = {
    "ja": ["ダッシュボード", "発注書", "出荷", "需要予測", "品質", "スコアカード", "入荷", "部品", "チーム", "個人設定",
           "セキュリティ", "API キー"],
    "zh-hans": ["工作台", "采购订单", "发货", "需求预测", "质量", "记分卡", "收货", "物料", "团队", "偏好设置", "安全",
                "API 密钥"],
}
NAV_EN = ["Dashboard", "Purchase orders", "Shipments", "Forecast", "Quality", "Scorecard", "Receipts", "Parts", "Team",
          "Preferences", "Security", "API key", "Sign out"]

# Words that are the same in every language here: product names, standards, units, codes.
DATA = {
    "Tsunagi", "API", "ASN", "CSV", "PDF", "EDI", "GS1", "GS1-128", "SSCC", "PPM", "KPI", "8D", "PCE", "USD", "JPEG",
    "PNG", "GIF", "WebP", "TOTP", "Api-Key", "Authorization", "English", "W10", "W11", "W12", "W13", "D1", "D2", "D3",
    "D4", "D5", "D6", "D7", "D8", "UTF-8", "Shift_JIS", "ERP",
    "system:test",  # who did it, as recorded (the fixtures' actor)
}


class _Text(HTMLParser):
    """Visible text nodes and the human-readable attributes of a page, in document order."""

    ATTRS = frozenset({"placeholder", "title", "aria-label", "alt"})

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._skip = 0
        self.title = ""
        self.h1 = ""
        self.nav = ""
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        a = dict(attrs)
        for name in self.ATTRS & set(a):
            if a[name]:
                self.items.append(a[name].strip())
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.items.append(a["value"].strip())
        if tag in ("title", "h1") or (tag == "nav" and "mainnav" in (a.get("class") or "")):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._skip:
            return
        text = " ".join(data.split())
        if text:
            self.items.append(text)
            for where in set(self._in):
                setattr(self, where, f"{getattr(self, where)} {text}".strip())


def parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def english_words(text: str, data: set[str]) -> list[str]:
    """The words of ``text`` that read as English prose: not data, codes (PO-ALPHA-1, PLT1, SOLDER),
    addresses or e-mails."""
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)
    for d in sorted(data, key=len, reverse=True):
        text = text.replace(d, " ")
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9_:/'’-]*", text)
    return [w for w in words if re.search(r"[a-z]", w) and not re.search(r"\d", w) and w not in data]


def leftovers(english: str, translated: str, data: set[str]) -> list[str]:
    """Text of the translated page that is the same as in the English page and is English prose."""
    shown_in_english = set(parse(english).items)
    out = []
    for item in parse(translated).items:
        if item in shown_in_english and english_words(item, data):
            out.append(item)
    return sorted(set(out))


@dataclass
class World:
    urls: dict[str, str]
    data: set[str]
    member: object


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_engineer():
    from django.contrib.auth.models import Group

    from suppliers.roles import QUALITY_ENGINEER

    user = make_user("quality@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    return user


@pytest.fixture
def engineer(db):
    return make_engineer()


@pytest.fixture
def raise_notice(engineer, django_capture_on_commit_callbacks):
    def go(tenant):
        with django_capture_on_commit_callbacks(execute=True):
            return notice_raise(tenant, engineer)

    return go


def notice_raise(tenant, engineer):
    from suppliers.quality.models import DefectCode
    from suppliers.quality.services import quality_notice_raise

    return quality_notice_raise(
        supplier=tenant.supplier, part=tenant.supplier_part.part, defect_code=DefectCode.objects.get(code="SOLDER"),
        rejected_quantity=Decimal(12), severity="major", title="Solder bridges at AOI",
        description="12 of 50 boards show bridges between pins 3 and 4.", actor=engineer,
        lot=tenant.asn.lines.get().lots.get().lot, advice=tenant.asn, receipt=tenant.receipt,
    )


def build_world(tenant, engineer) -> World:
    """Something on every supplier page: a scorecard, an order to answer, one to ship, a forecast and a
    quality notice. Side effects after commit run at once (the caller captures them or runs without a
    surrounding transaction)."""
    from suppliers.forecasts.services import forecast_publish

    book = Book(tenant)
    for month in (1, 2, 3):
        delivered = book.order(Line(requested=date(2026, month, 10)))
        book.deliver(delivered, received_on=date(2026, month, 12), lots=[[("A", 100, 100, 2)]])
    recompute()
    to_confirm = make_order(tenant, "PO-I18N-1", lines=2)
    to_ship = make_order(tenant, "PO-I18N-2", lines=1)
    confirm_all(to_ship)
    tenant.supplier.gs1_company_prefix = "4512345"
    tenant.supplier.save()
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    part = tenant.supplier_part.part.buyer_part_number
    previous = [90, 120, 80, 100, 100, 110, 95, 105, 100, 100, 100, 100, 100]
    for quantities in (previous, [100, 120, 60, 90, 100, 130, 95, 105, 100, 100, 100, 100, 100]):
        version = forecast_publish(supplier=tenant.supplier, actor=Actor.system("test"), source="api",
                                   horizon_start=monday, lines=[weekly(part, quantities, start=monday)])
    notice = notice_raise(tenant, engineer)
    line = to_ship.lines.get()
    urls = {
        "dashboard": reverse("portal:home"),
        "orders": reverse("portal:order_list"),
        "order": reverse("portal:order_detail", args=[to_confirm.pk]),
        "shipments": reverse("portal:shipment_list"),
        "shipment": reverse("portal:shipment_detail", args=[tenant.asn.pk]),
        "asn-pick": reverse("portal:asn_new"),
        "asn-form": reverse("portal:asn_details") + f"?line={line.pk}",
        "receipts": reverse("portal:receipt_list"),
        "receipt": reverse("portal:receipt_detail", args=[tenant.receipt.pk]),
        "parts": reverse("portal:part_list"),
        "team": reverse("portal:team"),
        "preferences": reverse("portal:preferences"),
        "api-key": reverse("erp:api_key"),
        "forecasts": reverse("forecasts:list"),
        "forecast": reverse("forecasts:detail", args=[version.pk]),
        "forecast-commit": reverse("forecasts:commit", args=[version.pk, version.lines.get().pk]),
        "quality": reverse("quality:list"),
        "notice": reverse("quality:detail", args=[notice.pk]),
        "scorecard": reverse("scorecards:current") + "?month=2026-03",
        "evidence": reverse("scorecards:evidence", args=["on_time", "month", "2026-03"]),
    }
    data = DATA | {
        tenant.supplier.name, tenant.member.email, tenant.admin.email, tenant.supplier_part.part.description,
        tenant.order.ship_to.name, notice.title, notice.description, notice.defect_code.label,
    }
    return World(urls, data, tenant.admin)


@pytest.fixture
def world(tenant_a, engineer, django_capture_on_commit_callbacks) -> World:
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(tenant_a, engineer)


def get(client, url: str, lang: str | None) -> str:
    headers = {}
    if lang == "ja":
        headers["HTTP_ACCEPT_LANGUAGE"] = "ja,en;q=0.5"
    elif lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url, **headers)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()



# Strings each page must show, per language (from the catalogues, so a missing translation fails).
EXPECTED = {
    "dashboard": {"ja": ["対応が必要な項目", "回答待ちの発注", "出荷待ちの明細"], "zh-hans": ["待您处理的事项", "待确认的订单", "待发货的订单行"]},
    "orders": {"ja": ["発注番号または品番", "CSV 出力"], "zh-hans": ["订单号或物料号", "导出 CSV"]},
    "order": {"ja": ["明細に回答する", "回答を送信", "数量または納期を変更"], "zh-hans": ["确认订单行", "提交答复", "更改数量或交期"]},
    "shipments": {"ja": ["出荷案内の新規作成"], "zh-hans": ["新建发货通知"]},
    "shipment": {"ja": ["出荷書類", "梱包明細書（PDF）"], "zh-hans": ["发货单据", "装箱单（PDF）"]},
    "asn-pick": {"ja": ["ステップ 1/2", "未出荷数量"], "zh-hans": ["第 1 步（共 2 步）", "待发数量"]},
    "asn-form": {"ja": ["出荷案内を送信", "ロットを追加", "梱包を追加"], "zh-hans": ["发送发货通知", "添加批次", "添加包装"]},
    "receipts": {"ja": ["入荷番号、出荷案内番号、ロット番号", "入荷数"], "zh-hans": ["收货单号、发货通知号或批次号", "收货数量"]},
    "receipt": {"ja": ["入荷数", "不合格数"], "zh-hans": ["收货数量", "拒收数量"]},
    "parts": {"ja": ["貴社の供給部品"], "zh-hans": ["贵司供应的物料"]},
    "team": {"ja": ["同僚を招待", "招待を送信"], "zh-hans": ["邀请同事", "发送邀请"]},
    "preferences": {"ja": ["メールで受け取る通知", "メールと画面の言語"], "zh-hans": ["接收以下邮件通知", "邮件和页面语言"]},
    "api-key": {"ja": ["API キーを作成"], "zh-hans": ["创建 API 密钥"]},
    "forecasts": {"ja": ["需要予測の版一覧", "最新"], "zh-hans": ["需求预测版本", "当前"]},
    "forecast": {"ja": ["確定期間: 購買側がこの数量を発注します", "供給回答シートをダウンロード（CSV）", "シートで一括回答"],
                 "zh-hans": ["确定期：采购方将按此下单", "下载承诺表（CSV）", "通过表格批量承诺"]},
    "forecast-commit": {"ja": ["供給回答を保存", "増減", "不足時の理由"], "zh-hans": ["保存承诺", "变化", "不足原因"]},
    "quality": {"ja": ["不適合通知", "重大度"], "zh-hans": ["不合格通知", "严重程度"]},
    "notice": {"ja": ["8D レポート", "D5 是正処置", "D3 暫定処置"], "zh-hans": ["8D 报告", "D5 纠正措施", "D3 临时遏制措施"]},
    "scorecard": {"ja": ["納期遵守率", "スコア（12 か月）"], "zh-hans": ["准时交货率", "得分（12 个月）"]},
    "evidence": {"ja": ["判定", "2 日 遅れ"], "zh-hans": ["判定", "延迟 2 天"]},
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_supplier_page_is_translated(world, lang):
    client = login(world.member)
    problems: dict[str, list] = {}
    assert set(EXPECTED) == set(world.urls)
    for name, url in world.urls.items():
        english, page = get(client, url, None), get(client, url, lang)
        parsed, wrong = parse(page), []
        if f'<html lang="{lang}">' not in page:
            wrong.append("html lang")
        wrong += [f"missing {s!r}" for s in EXPECTED[name][lang] + NAV[lang] if s not in page]
        wrong += [f"English in the navigation: {label!r}" for label in NAV_EN if label in parsed.nav]
        wrong += [f"English in the title: {w!r}" for w in english_words(parsed.title, world.data)]
        wrong += [f"English in the heading: {w!r}" for w in english_words(parsed.h1, world.data)]
        wrong += [f"untranslated: {t!r}" for t in leftovers(english, page, world.data)]
        if wrong:
            problems[name] = wrong
    assert not problems, problems


def test_the_english_detector_finds_english_and_ignores_data():
    data = DATA | {"Test plant"}
    english = '<html><title>Purchase order PO-1 · Tsunagi</title><h1>Open lines</h1><p>PLT1 Test plant</p></html>'
    translated = '<html><title>発注書 PO-1 · Tsunagi</title><h1>Open lines</h1><p>PLT1 Test plant</p></html>'
    assert leftovers(english, translated, data) == ["Open lines"]
    assert english_words(parse(translated).title, data) == [] and english_words("Purchase order", data) == ["Purchase", "order"]


@pytest.mark.django_db
def test_messages_and_form_errors_come_in_the_users_language(world):
    from suppliers.models import PurchaseOrder

    client = login(world.member)
    ja = {"HTTP_ACCEPT_LANGUAGE": "ja"}
    # A service error (the e-mail has an account) shown on the team page.
    page = client.post(reverse("portal:team"), {"email": world.member.email, "role": "member"}, **ja).content.decode()
    assert f"{world.member.email} はすでにアカウントを持っています。" in page
    # A form error of the order answer.
    order = PurchaseOrder.objects.get(number="PO-I18N-1")
    line = order.lines.first()
    response = client.post(reverse("portal:order_line_respond", args=[order.pk, line.pk]),
                           {f"line-{line.pk}-decision": "changed", f"line-{line.pk}-quantity": str(line.quantity)}, **ja)
    body = response.content.decode()
    assert response.status_code == 400 and "数量または納期を変更するか、「受諾」を選んでください。" in body
    assert f"明細 {line.line_no} は回答されていません。" in body
    # A success message after saving preferences in Chinese.
    response = client.post(reverse("portal:preferences"), {"language": "zh-hans", "email_purchase_order": "on"}, follow=True)
    assert "您的偏好设置已保存。" in response.content.decode()


@pytest.mark.django_db
def test_web_asn_errors_from_the_form_and_the_service_are_translated(world):
    from suppliers.models import PurchaseOrder

    line = PurchaseOrder.objects.get(number="PO-I18N-2").lines.get()
    url = reverse("portal:asn_details") + f"?line={line.pk}"
    post = {"line": [line.pk], f"lots-{line.pk}": "1", "packages": "1", "asn-number": "ASN-ALPHA-1",
            "asn-ship_date": "2026-03-30", "asn-expected_delivery": "2026-04-02", "asn-carrier": "Yamato",
            "asn-tracking_number": "Y-1", f"l{line.pk}-quantity": "10", f"l{line.pk}-package": "",
            f"l{line.pk}-lot1-lot": "L1", f"l{line.pk}-lot1-quantity": "4", "pkg1-type": "", "pkg1-parent": "",
            "action": "submit"}
    body = login(world.member).post(url, post, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "各批次数量之和必须等于发货数量。" in body
    post[f"l{line.pk}-lot1-quantity"] = "10"
    body = login(world.member).post(url, post, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "出荷案内番号 ASN-ALPHA-1 はすでに使われています。" in body


@pytest.mark.django_db
def test_8d_emails_name_the_step_in_each_recipients_language(tenant_a, raise_notice, engineer, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    from django.utils import translation

    from suppliers import services
    from suppliers.quality.services import step_answer, step_review

    services.user_preferences_update(user=tenant_a.admin, actor=tenant_a.admin, language="ja")
    services.user_preferences_update(user=tenant_a.member, actor=tenant_a.member, language="zh-hans")
    notice = raise_notice(tenant_a)
    step = notice.steps.get(discipline=1)
    with django_capture_on_commit_callbacks(execute=True):
        step_answer(step=step, text="Team: A, B", actor=tenant_a.member)
    mailoutbox.clear()
    # The engineer works in English; each supplier user still reads the step in their own language.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        step_review(step=notice.steps.get(discipline=1), accept=False, comment="Name the champion", actor=engineer)
    by_to = {m.to[0]: m for m in mailoutbox}
    ja, zh = by_to[tenant_a.admin.email], by_to[tenant_a.member.email]
    assert "D1 チーム編成" in ja.body and "差し戻されました" in ja.subject
    assert "D1 成立小组" in zh.body and "已退回" in zh.subject and "D1 Team" not in zh.body


@pytest.mark.django_db
def test_the_engineer_reads_the_answer_mail_in_the_console_language(tenant_a, raise_notice, engineer, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    from suppliers import services
    from suppliers.quality.services import step_answer

    services.user_preferences_update(user=engineer, actor=engineer, language="zh-hans")
    notice = raise_notice(tenant_a)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step_answer(step=notice.steps.get(discipline=1), text="Team", actor=tenant_a.member)
    [mail] = [m for m in mailoutbox if m.to == [engineer.email]]
    assert f"已答复不合格通知 {notice.number} 的 D1 成立小组" in mail.body


@pytest.mark.django_db
def test_an_invitation_is_written_in_the_inviters_language(tenant_a, mailoutbox, django_capture_on_commit_callbacks):
    from suppliers import services

    services.user_preferences_update(user=tenant_a.admin, actor=tenant_a.admin, language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(supplier=tenant_a.supplier, email="new@alpha.example", role="member",
                                   actor=tenant_a.admin)
    [mail] = mailoutbox
    assert mail.subject == f"{tenant_a.supplier.name} のサプライヤーポータルへの招待"
    assert "次のリンクを開いてパスワードを設定してください" in mail.body


@pytest.mark.django_db
def test_shipping_documents_keep_english_captions_in_a_japanese_session(gs1_tenant, erp_outbox):
    from tests.portal.test_web_asn import _asn, pdf_text

    order = make_order(gs1_tenant, "PO-S-1", lines=2, quantity=100)
    confirm_all(order)
    advice = _asn(gs1_tenant, order)
    client = login(gs1_tenant.member)
    labels = pdf_text(client.get(reverse("portal:shipment_labels", args=[advice.pk]), HTTP_ACCEPT_LANGUAGE="ja").content)
    packing = pdf_text(client.get(reverse("portal:shipment_packing_list", args=[advice.pk]),
                                  HTTP_ACCEPT_LANGUAGE="ja").content)
    assert "PALLET" in labels and "CARTON" in labels and "パレット" not in labels
    assert "Carton" in packing and "カートン" not in packing
