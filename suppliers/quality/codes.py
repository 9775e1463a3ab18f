"""The starting defect code list for electronic components. The data migration installs it;
``ensure_defect_codes`` runs after every migrate (and after a test database flush) and only adds
codes that are missing, so codes edited or retired in the console stay as they are."""

from __future__ import annotations

from typing import Any

DEFECTS = [
    # code, category, English, 日本語, 简体中文
    ("DIM", "mechanical", "Dimension out of tolerance", "寸法不良", "尺寸超差"),
    ("COSMETIC", "mechanical", "Cosmetic damage", "外観不良", "外观不良"),
    ("CONTAM", "mechanical", "Contamination or foreign material", "異物混入", "污染或异物"),
    ("SOLDER", "process", "Solderability or solder defect", "はんだ不良", "焊接不良"),
    ("ESD-MSL", "process", "ESD or moisture handling", "静電気・防湿管理不良", "静电或防潮处理不当"),
    ("ELEC", "electrical", "Electrical test failure", "電気特性不良", "电气测试失败"),
    ("FUNC", "electrical", "Functional failure", "機能不良", "功能失效"),
    ("WRONG-PART", "logistics", "Wrong or mixed parts", "誤品・混入", "错料或混料"),
    ("LABEL", "logistics", "Labelling or marking error", "表示・ラベル不良", "标签或标识错误"),
    ("PACK", "logistics", "Packaging damage", "梱包不良", "包装损坏"),
    ("QTY", "logistics", "Quantity discrepancy", "数量相違", "数量差异"),
    ("DOC", "documentation", "Missing or wrong documents (CoC)", "書類不備（CoC）", "文件缺失或错误（CoC）"),
    ("COUNTERFEIT", "documentation", "Suspected counterfeit", "模倣品の疑い", "疑似假冒"),
    # automatic notices from the line's defect rate, when none of the lot's MES codes is in this list
    ("LINE-RATE", "production", "Defect rate over threshold in production", "生産での不良率超過", "生产不良率超限"),
]


def ensure_defect_codes(**_: Any) -> None:
    from suppliers.quality.models import DefectCode

    for code, category, en, ja, zh in DEFECTS:
        DefectCode.objects.get_or_create(code=code, defaults={
            "label": en, "category": category, "translations": {"ja": ja, "zh-hans": zh}})
