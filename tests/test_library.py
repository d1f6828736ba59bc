"""The indicator library as data: loaded strictly, complete per sector, and the sector recogniser."""

from collections import Counter

import pytest

from assistant.draft.quality import garbage_name
from assistant.errors import InputError
from assistant.library import entries_for, library, search, sector, sector_of
from assistant.values import parse_value


def test_library_covers_the_sectors_of_the_issue():
    secs = library()
    assert len(secs) >= 25
    assert sum(len(s.entries) for s in secs) >= 600
    names = {s.sector for s in secs}
    for want in ("教育", "学生资助", "卫生健康", "医疗保障", "高标准农田", "林业", "民政", "城管和环卫", "信息化运维", "机关运转和后勤"):
        assert want in names


@pytest.mark.parametrize("s", library(), ids=lambda s: s.id)
def test_each_sector_follows_the_conventions(s):
    count = Counter(e.l2 for e in s.entries)
    assert count["数量指标"] >= 4 and count["质量指标"] >= 3 and count["时效指标"] >= 2 and count["成本指标"] >= 2
    assert count["社会效益指标"] >= 3 and count["服务对象满意度指标"] >= 2
    assert sum(e.is_total_cost for e in s.entries) == 1
    for e in s.entries:
        assert not garbage_name(e.name), (s.id, e.name)
        v = parse_value(e.value_for(2026, 88.5), e.name, e.l2)
        assert v.kind not in ("placeholder", "empty"), (s.id, e.name, e.value)
        if e.kind == "date":
            assert v.year == 2026, e.value
        if e.l2 == "服务对象满意度指标":
            assert "问卷" in e.basis or "调查" in e.basis or "回访" in e.basis, e.basis
    assert any(e.value_for(2026, 88.5) == "≤88.5万元" for e in s.entries)


def test_a_typo_in_a_library_file_fails_loudly(tmp_path):
    good = (library()[0].model_dump(exclude={"entries"}) | {"entries": [e.model_dump(exclude={"sector"}) for e in library()[0].entries]})
    import yaml

    good["entries"][0]["nmae"] = good["entries"][0].pop("name")
    (tmp_path / f"{good['id']}.yaml").write_text(yaml.safe_dump(good, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as e:
        library(tmp_path)
    assert good["id"] in str(e.value) and "entries" in str(e.value)


@pytest.mark.parametrize(
    "name,purpose,want",
    [
        ("雾炮车抑尘降尘服务", "对城区主次干道开展每日不少于2次的雾炮降尘作业", "城管和环卫"),
        ("学前教育家庭经济困难幼儿资助", "对在园家庭经济困难幼儿减免保育教育费", "学生资助"),
        ("困难群众参加城乡居民医保资助", "对困难群众参加城乡居民医保个人缴费给予资助", "医疗保障"),
        ("机关食堂运行保障", "为干部职工提供早餐和午餐", "机关运转和后勤"),
        ("南部水源涵养林建设项目", "实施营造林8万亩", "林业"),
        ("村级光伏帮扶电站运维", "衔接资金支持脱贫村光伏电站运行维护", "乡村振兴"),
        ("乡镇卫生院基本公共卫生服务", "为辖区居民建立健康档案，开展慢性病随访", "卫生健康"),
        ("农村公路安防工程", "对县乡道临崖临水路段增设护栏", "交通运输"),
    ],
)
def test_sector_of_reads_name_and_purpose(name, purpose, want):
    got = sector_of(name, purpose)
    assert got and got[0][0].sector == want, [(s.sector, c) for s, c in got]
    assert all(0 < c <= 1 for _, c in got)


def test_no_sector_words_no_sector():
    assert sector_of("其他支出", "按规定使用") == []


def test_entries_for_and_search():
    assert entries_for("forestry", "数量") == entries_for("林业", "数量指标")
    assert all(e.l2 == "生态效益指标" for e in entries_for("sanitation", "生态效益指标"))
    hits = search("空气质量")
    assert hits and "空气质量" in hits[0][0].name
    with pytest.raises(InputError):
        sector("no_such_sector")
