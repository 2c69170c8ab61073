"""Who may take a public-welfare job (公益性岗位, standard art. 20): the one place where a
posting's eligibility codes (``workflows.postings.models.Eligibility``) meet the difficulty
categories recorded on a seeker's profile (``workflows.seekers.models.DifficultyCategory``).

The two lists were written apart and spell the same groups differently. Mapped here:

=========================  ===========================  ==================================
posting (Eligibility)      seeker (DifficultyCategory)  group
=========================  ===========================  ==================================
``4050``                   ``4050``                     大龄失业人员 (4050人员)
``disabled``               ``disabled``                 残疾人
``subsistence``            ``dibao``                    低保家庭成员
``zero_employment``        ``zero_employment_family``   零就业家庭成员
``land_lost``              ``land_lost_farmer``         失地农民
``long_term_unemployed``   ``long_term_unemployed``     长期失业人员
``poverty_alleviated``     ``lifted_from_poverty``      脱贫劳动力
``veteran``                (none)                       退役军人: not recorded on a profile
=========================  ===========================  ==================================

The seeker categories ``single_parent`` and ``released_prisoner`` have no posting code: no
posting can be reserved for them, and they qualify for none. A posting reserved only for
veterans therefore finds no eligible seeker until the profile records that group.
"""

from __future__ import annotations

from collections.abc import Iterable

from workflows.postings.models import Eligibility
from workflows.seekers.models import DifficultyCategory

POSTING_TO_SEEKER: dict[str, str | None] = {
    Eligibility.AGE_4050: DifficultyCategory.AGE_4050,
    Eligibility.DISABLED: DifficultyCategory.DISABLED,
    Eligibility.SUBSISTENCE: DifficultyCategory.DIBAO,
    Eligibility.ZERO_EMPLOYMENT: DifficultyCategory.ZERO_EMPLOYMENT_FAMILY,
    Eligibility.LAND_LOST: DifficultyCategory.LAND_LOST_FARMER,
    Eligibility.LONG_TERM_UNEMPLOYED: DifficultyCategory.LONG_TERM_UNEMPLOYED,
    Eligibility.POVERTY_ALLEVIATED: DifficultyCategory.LIFTED_FROM_POVERTY,
    Eligibility.VETERAN: None,
}


def seeker_codes_for(eligibility: Iterable[str]) -> set[str]:
    """The seeker categories that satisfy a posting's eligibility codes."""
    return {code for e in eligibility if (code := POSTING_TO_SEEKER.get(e)) is not None}


def categories_matched(eligibility: Iterable[str], seeker_categories: Iterable[str]) -> list[str]:
    """The seeker's categories that the posting is reserved for, in the seeker's order."""
    wanted = seeker_codes_for(eligibility)
    return [code for code in seeker_categories if code in wanted]


def eligibility_labels(codes: Iterable[str]) -> list[str]:
    labels = dict(Eligibility.choices)
    return [str(labels.get(code, code)) for code in codes]


def difficulty_labels(codes: Iterable[str]) -> list[str]:
    labels = dict(DifficultyCategory.choices)
    return [str(labels.get(code, code)) for code in codes]
