"""Request bodies for the assessment tests, built on the seeds' facts."""

from __future__ import annotations

from typing import Any

CHECKLIST = ("paid_maternity_leave", "breastfeeding_facilities", "childcare_facilities", "flexible_working",
             "health_protection", "medical_benefits", "employment_protection", "family_friendly_policy",
             "childcare_support", "responsible_recruitment", "young_workers", "grievance_channel")


def factory(fid: str, **kw: Any) -> dict[str, Any]:
    body = {"factory_id": fid, "name": f"{fid} Garments", "supplier": "Supplier Co", "region": "Dhaka",
            "sector": "garment", "buyers": ["Otto Group"], "headcount": 1200}
    body.update(kw)
    return body


def policies(days: int = 120, missing: tuple[str, ...] = (), **kw: Any) -> dict[str, Any]:
    items = {i: {"status": "missing" if i in missing else "in_place"} for i in CHECKLIST}
    if "paid_maternity_leave" not in missing:
        items["paid_maternity_leave"]["days"] = days
    return {"items": items, **kw}


def demographics(**kw: Any) -> dict[str, Any]:
    d = {"headcount": {"female": {"16_17": 4, "18_24": 300, "25_34": 350, "35_44": 100, "45_plus": 20},
                       "male": {"18_24": 200, "25_34": 180, "35_44": 40, "45_plus": 6}},
         "migrant_workers": 700, "parent_workers": 600, "left_behind_children": 320,
         "maternity_leave_12m": 40, "returned_after_maternity_12m": 32}
    d.update(kw)
    return {"demographics": d}


def findings(**kw: Any) -> dict[str, Any]:
    return {"findings": [{"area": "childcare", "text": "no childcare during summer holidays", "priority": "high"},
                         {"area": "responsible_recruitment", "text": "agents charge fees", "priority": "medium"}],
            **kw}


def response(i: int, *, sex: str = "female", parent: bool = True, apart: bool = True, afford: bool = False,
             guilty: bool = True, fee: bool = False, stress: int = 4) -> dict[str, Any]:
    a: dict[str, Any] = {"sex": sex, "age_band": "25_34", "migrant": "yes", "is_parent": "yes" if parent else "no",
                         "recruitment_fee": "yes" if fee else "no", "stress": stress}
    if parent:
        a["children_live_with"] = "apart" if apart else "with_me"
        a["afford_basics"] = "yes" if afford else "no"
        a["needs_childcare"] = "yes"
        a["parenting_confidence"] = 3
        if apart:
            a["feel_guilty"] = "yes" if guilty else "no"
    if sex == "female":
        a["returned_after_pregnancy"] = "returned" if i % 5 else "did_not_return"
    a["support_needed"] = ["childcare", "parenting_skills"]
    return {"response_id": f"r{i}", "language": "en", "answers": a}
