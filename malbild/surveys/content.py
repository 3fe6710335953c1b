# ruff: noqa: E501
# (The statements are prose, kept whole so that they read as the catalogue does.)
"""The bank of statements for Elevrösten, the pupils' short surveys, version by version.

Written for Målbild in plain language, each statement in three wordings: for the youngest
pupils (förskoleklass to year 3), for years 4–6, and for years 7–9 and upper secondary school.
The texts are English msgids (marked with `gettext_noop` by name, which makemessages finds, so the catalogue carries them in
Swedish) and are stored as they are; pages translate them when they show them. A statement keeps
its `key` across versions, so surveys on different versions compare statement by statement.

The bank's four areas are the pupils' side of the four classic areas of digital maturity: the
tools help me learn (Användning), my teachers use them in ways that help (Kompetens), when
something does not work (Infrastruktur), and I feel safe online (Ledning: the school's rules and
responsibility for a safe digital environment).

:func:`ensure` writes a version into the database once (the data migration and the demo call
it); it never changes a version that is already stored: a changed text is a new version.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

CURRENT_VERSION = 1


@dataclass(frozen=True)
class StatementSpec:
    key: str
    young: str  # förskoleklass – year 3
    middle: str  # years 4–6
    older: str  # years 7–9 and upper secondary school


@dataclass(frozen=True)
class AreaSpec:
    key: str
    name: str
    classic_area: str  # the maturity model's area: L, I, K or A
    statements: tuple[StatementSpec, ...]


VERSIONS: dict[int, tuple[str, tuple[AreaSpec, ...]]] = {
    1: (
        gettext_noop("Elevrösten, version 1"),
        (
            AreaSpec(
                "A",
                gettext_noop("The tools help me learn"),
                "A",
                (
                    StatementSpec(
                        "A1",
                        gettext_noop("The computer or tablet helps me learn new things."),
                        gettext_noop("The digital tools at school help me learn."),
                        gettext_noop("The digital tools we use at school help me learn."),
                    ),
                    StatementSpec(
                        "A2",
                        gettext_noop(
                            "I can use the computer or tablet to show what I have learnt."
                        ),
                        gettext_noop("I can use digital tools to show what I know."),
                        gettext_noop("Digital tools let me show what I know in ways that suit me."),
                    ),
                    StatementSpec(
                        "A3",
                        gettext_noop(
                            "When reading or writing is hard, the tablet can help me, for example by reading aloud."
                        ),
                        gettext_noop(
                            "When reading or writing is hard, I get help from digital tools, for example text-to-speech."
                        ),
                        gettext_noop(
                            "I know how to use digital tools that make reading and writing easier for me, such as text-to-speech or spell-checking."
                        ),
                    ),
                    StatementSpec(
                        "A4",
                        gettext_noop("I can find my work on the computer or tablet."),
                        gettext_noop(
                            "It is easy to find my assignments and my own work in the school's digital tools."
                        ),
                        gettext_noop(
                            "It is easy to find assignments, feedback and my own work on the school's digital platforms."
                        ),
                    ),
                ),
            ),
            AreaSpec(
                "K",
                gettext_noop("My teachers use digital tools in ways that help"),
                "K",
                (
                    StatementSpec(
                        "K1",
                        gettext_noop("My teacher shows us how to use the computer or tablet."),
                        gettext_noop("My teachers show us how to use the digital tools we need."),
                        gettext_noop(
                            "My teachers make sure that we know how to use the digital tools the lessons need."
                        ),
                    ),
                    StatementSpec(
                        "K2",
                        gettext_noop(
                            "We use the computer or tablet when it makes the lesson better."
                        ),
                        gettext_noop(
                            "We use digital tools in lessons when they make learning better, not just because we can."
                        ),
                        gettext_noop(
                            "Digital tools are used in lessons when they add something, not out of habit."
                        ),
                    ),
                    StatementSpec(
                        "K3",
                        gettext_noop(
                            "My teacher tells me what I did well and what I can do better, also on the tablet."
                        ),
                        gettext_noop(
                            "The comments I get on my work in the digital tools help me do better."
                        ),
                        gettext_noop(
                            "The feedback I get through digital tools helps me improve my work."
                        ),
                    ),
                ),
            ),
            AreaSpec(
                "I",
                gettext_noop("When something does not work"),
                "I",
                (
                    StatementSpec(
                        "I1",
                        gettext_noop("My computer or tablet works when I need it."),
                        gettext_noop("My computer or tablet works when I need it in class."),
                        gettext_noop("My device and the school's network work when I need them."),
                    ),
                    StatementSpec(
                        "I2",
                        gettext_noop(
                            "I know who to ask when the computer or tablet does not work."
                        ),
                        gettext_noop(
                            "I know what to do when something does not work, and who can help me."
                        ),
                        gettext_noop(
                            "I know what to do, and whom to turn to, when a device or a service does not work."
                        ),
                    ),
                    StatementSpec(
                        "I3",
                        gettext_noop("When something breaks, it is fixed quickly."),
                        gettext_noop("When something is broken, it is fixed quickly."),
                        gettext_noop(
                            "When my device breaks, I quickly get it repaired or get another one, so I do not fall behind."
                        ),
                    ),
                ),
            ),
            AreaSpec(
                "L",
                gettext_noop("I feel safe online"),
                "L",
                (
                    StatementSpec(
                        "L1",
                        gettext_noop("I feel safe when I use the internet at school."),
                        gettext_noop("I feel safe when I use the internet and apps at school."),
                        gettext_noop(
                            "I feel safe when I use the internet and digital services at school."
                        ),
                    ),
                    StatementSpec(
                        "L2",
                        gettext_noop(
                            "I know what to do if something online makes me sad or scared."
                        ),
                        gettext_noop(
                            "I know what to do, and whom to tell, if something online makes me feel bad."
                        ),
                        gettext_noop(
                            "I know what to do, and whom to tell, if I or someone else is treated badly online."
                        ),
                    ),
                    StatementSpec(
                        "L3",
                        gettext_noop("At school we talk about how to be kind and careful online."),
                        gettext_noop(
                            "At school we learn how to tell whether what we read online can be trusted."
                        ),
                        gettext_noop(
                            "School teaches me how to judge sources and how to protect my personal information online."
                        ),
                    ),
                ),
            ),
        ),
    ),
}


def statements(version: int = CURRENT_VERSION) -> dict[str, StatementSpec]:
    """Key → statement of a version, in the bank's order (no query)."""
    _title, areas = VERSIONS[version]
    return {s.key: s for area in areas for s in area.statements}


def ensure(version: int = CURRENT_VERSION, registry: Any = None) -> Any:
    """The stored Bank of `version`, written first when it is missing (idempotent).

    `registry` is a migration's app registry; the live models are used without one."""
    if registry is None:
        from django.apps import apps as registry
    Bank = registry.get_model("surveys", "Bank")
    Area = registry.get_model("surveys", "Area")
    Statement = registry.get_model("surveys", "Statement")
    title, areas = VERSIONS[version]
    with transaction.atomic():
        bank, created = Bank.objects.get_or_create(version=version, defaults={"title": title})
        if not created:
            return bank
        for position, spec in enumerate(areas, start=1):
            area = Area.objects.create(
                bank=bank,
                key=spec.key,
                name=spec.name,
                classic_area=spec.classic_area,
                position=position,
            )
            Statement.objects.bulk_create(
                Statement(
                    bank=bank,
                    area=area,
                    key=s.key,
                    young=s.young,
                    middle=s.middle,
                    older=s.older,
                    position=index,
                )
                for index, s in enumerate(spec.statements, start=1)
            )
    return bank
