"""Inbox items are summaries (docs/cases.md "HTTP surface"): the description cut to its first 60 characters and
said to be cut, names of category and units, the clock, no reporter contact; the case page keeps everything."""
from casekit import cw, make_case  # noqa: F401  (cw: fixture)


def test_inbox_items_are_summaries(cw):
    long = "小区东门垃圾堆放" * 10 + "尾"  # 81 characters, 3 bytes each
    k = make_case(cw, description=long, reporter_name="张三丰", reporter_phone="13912345678")
    short = make_case(cw, description="路灯不亮 <b>&\"x\"</b>")
    items = cw.api("dispatcher").get("/api/v1/cases", params={"limit": 50}).json()["items"]
    row = next(i for i in items if i["id"] == k["id"])
    assert row["description"] == long[:60] and row["description_truncated"] is True
    assert row["number"] == k["number"] and row["state"] == k["state"] == "dispatched"
    assert row["category"] == {"id": k["category"]["id"], "name": k["category"]["name"],
                               "name_en": k["category"]["name_en"]}
    assert row["unit"] == k["unit"] and row["handler_unit"] == k["handler_unit"]
    assert row["due_at"] == k["due_at"] and row["created_at"] == k["created_at"] and row["version"] == k["version"]
    assert row["remaining"]["mark"] == k["remaining"]["mark"] and row["remaining"]["due_at"] == k["due_at"]
    assert row["supervised"] is False and row["rework_count"] == 0
    assert "reporter" not in row and "address" not in row and "lat" not in row
    other = next(i for i in items if i["id"] == short["id"])
    assert other["description"] == "路灯不亮 <b>&\"x\"</b>" and other["description_truncated"] is False
    # the case page has it all
    full = cw.api("dispatcher").get(f"/api/v1/cases/{k['id']}").json()
    assert full["description"] == long and full["reporter"]["masked"] is True
