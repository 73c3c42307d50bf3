"""shared.disclosure's rules, case by case: what a split of a session's
people may show, and what a pool adds up."""

from __future__ import annotations

import pytest

from shared.disclosure import hidden_cells, pooled, release_split, session_cells, workforce


@pytest.mark.parametrize(("total", "cells", "hidden"), [
    # nothing small: everything shown
    (30, {"female": 20, "male": 10}, set()),
    # the feed row: reached 12, female 9, male 3. Male is small; female would give it by
    # subtraction, so it goes too
    (12, {"female": 9, "male": 3}, {"female", "male"}),
    # the impact answer: worker 18, manager 2 of 20 attendances
    (20, {"worker": 18, "manager": 2}, {"worker", "manager"}),
    # two small cells hide each other: 3 + 4 = 7 leaves each of them two values or more
    (27, {"worker": 20, "manager": 3, "supervisor": 4}, {"manager", "supervisor"}),
    # two small cells of 4 and 4: their sum, 8, pins both at 4 (neither can hold more); the smallest
    # other cell goes too
    (28, {"worker": 20, "manager": 4, "supervisor": 4}, {"worker", "manager", "supervisor"}),
    # empty cells are shown as 0: they describe no one
    (12, {"worker": 12, "manager": 0, "supervisor": 0}, set()),
    # one small cell beside an empty one: the empty one cannot protect it (it is shown), the worker goes
    (13, {"worker": 12, "manager": 1, "supervisor": 0}, {"worker", "manager"}),
    # cells that do not add up: the remainder (12 - 10 = 2) is small and unnamed; with the one small
    # named cell (1) it is a pair
    (12, {"worker": 9, "manager": 1}, {"manager"}),
    # the complement is the smallest cell that can protect: 6 rather than 30
    (40, {"a": 30, "b": 6, "c": 4}, {"b", "c"}),
])
def test_a_split_hides_its_small_cells_and_what_would_give_them_back(total: int, cells: dict, hidden: set) -> None:
    assert hidden_cells(total, cells) == hidden


@pytest.mark.parametrize(("total", "cells"), [
    # 6 = 5 + 1: an attacker who knows the small cell holds 1-4 and its complement at least 5 pins
    # both (5 and 1); no other cell can help (an empty one is shown), so the total goes
    (6, {"female": 5, "male": 1}),
    (6, {"worker": 5, "manager": 1, "supervisor": 0}),
])
def test_a_split_no_choice_can_protect_hides_its_total(total: int, cells: dict) -> None:
    assert hidden_cells(total, cells) is None
    shown, split = release_split(total, {"s": cells})
    assert shown is None and all(v is None for v in split["s"].values())


def test_a_total_under_five_hides_the_whole_session() -> None:
    cells = session_cells(total=4, female=2, by_role={"worker": 4}, by_age_band={"18_24": 4}, reached=4,
                          reached_female=2)
    assert set(cells.values()) == {None}


def test_a_session_keeps_what_it_can_show() -> None:
    cells = session_cells(total=20, female=17, by_role={"worker": 18, "manager": 2},
                          by_age_band={"18_24": 10, "25_34": 10}, reached=20, reached_female=17)
    assert cells == {"attendances": 20, "attendances.female": None, "attendances.male": None,
                     "by_role.worker": None, "by_role.manager": None, "by_age_band.18_24": 10,
                     "by_age_band.25_34": 10, "reached": 20, "reached.female": None, "reached.male": None}


def test_a_pool_adds_released_cells_only_and_shows_no_zero() -> None:
    a = {"attendances": 12, "attendances.male": None, "by_role.manager": None}
    b = {"attendances": 20, "attendances.male": 10, "by_role.manager": None}
    assert pooled([a, b]) == {"attendances": 32, "attendances.male": 10, "by_role.manager": None}
    assert pooled([]) == {}


def test_a_factorys_few_men_leave_with_the_women_hidden_too() -> None:
    assert workforce(40, 37, 3) == {"headcount": 40, "headcount_female": None, "headcount_male": None}
    assert workforce(900, 600, 300) == {"headcount": 900, "headcount_female": 600, "headcount_male": 300}


def test_the_assessments_shares_over_fewer_than_five_are_left_out() -> None:
    """The published demographics gave a buyer a return rate over 2 women (a plan baseline, an impact
    comparison) and a share of women that, beside the headcount, gave a factory's 3 men."""
    from services.assessment.domain.needs import summarise
    from shared.contracts.assessment import Demographics

    few = summarise(Demographics(headcount={"female": {"25_34": 37}, "male": {"25_34": 3}}, migrant_workers=0,
                                 parent_workers=0, left_behind_children=0, maternity_leave_12m=2,
                                 returned_after_maternity_12m=1))
    assert few.maternity_return_rate is None and few.share_female is None
    many = summarise(Demographics(headcount={"female": {"25_34": 600}, "male": {"25_34": 300}}, migrant_workers=0,
                                  parent_workers=0, left_behind_children=0, maternity_leave_12m=40,
                                  returned_after_maternity_12m=32))
    assert many.maternity_return_rate == 0.8 and many.share_female == round(600 / 900, 4)
