"""The starting list of commit reason codes. The data migration installs it; ``ensure_reason_codes``
runs after every migrate (and after a test database flush) and only adds codes that are missing,
so codes edited or retired in the console stay as they are."""

from __future__ import annotations

from typing import Any

REASONS = [
    # code, English, 日本語, 简体中文
    ("CAPACITY", "Capacity constraint", "生産能力不足", "产能不足"),
    ("MATERIAL", "Material shortage", "材料不足", "物料短缺"),
    ("ALLOCATION", "Component allocation", "部品の割当て", "元器件配额"),
    ("LEAD_TIME", "Inside lead time", "リードタイム内", "在交货周期内"),
    ("TOOLING", "Tooling or equipment", "金型・設備", "模具或设备"),
    ("QUALITY", "Quality hold", "品質保留", "质量冻结"),
    ("EOL", "End of life", "生産終了", "停产"),
    ("OTHER", "Other (see comment)", "その他（コメント参照）", "其他（见备注）"),
]


def ensure_reason_codes(**_: Any) -> None:
    from suppliers.forecasts.models import ReasonCode

    for order, (code, en, ja, zh) in enumerate(REASONS, start=1):
        ReasonCode.objects.get_or_create(code=code, defaults={
            "label": en, "translations": {"ja": ja, "zh-hans": zh}, "sort_order": order * 10})
