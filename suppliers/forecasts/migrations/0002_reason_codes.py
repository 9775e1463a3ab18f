"""The initial list of reasons for committing less than the forecast (edit it in the console)."""

from django.db import migrations

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


def add(apps, schema_editor):
    ReasonCode = apps.get_model("forecasts", "ReasonCode")
    for order, (code, en, ja, zh) in enumerate(REASONS, start=1):
        ReasonCode.objects.get_or_create(code=code, defaults={
            "label": en, "translations": {"ja": ja, "zh-hans": zh}, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("forecasts", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
