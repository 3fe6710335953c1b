# ruff: noqa: E501
# (The model's texts are prose, kept whole so that they read as the catalogue does.)
"""The maturity model for the self-assessment (självskattning), version by version.

Written for Målbild: four areas, each with concrete statements about what a school or preschool
does, and for each statement the next step that moves it up. The texts are English msgids
(marked with `gettext_noop`, so the catalogue carries them in Swedish) and are stored as they are;
pages translate them when they show them. A statement keeps its `key` across versions, so rounds
on different versions can be compared statement by statement.

:func:`ensure` writes a version into the database once (the data migration and the demo call it);
it never changes a version that is already stored: a changed text is a new version.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as N_

CURRENT_VERSION = 1

# Tags filter the results (for example: only what matters for the digital national tests).
TAGS: dict[str, str] = {
    "national_tests": N_("Digital national tests"),
    "preschool": N_("Relevant for preschool"),
    "privacy": N_("Data protection"),
}


@dataclass(frozen=True)
class StatementSpec:
    key: str
    text: str
    next_step: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaSpec:
    key: str
    name: str
    description: str
    foundation: bool  # foundations (leadership, infrastructure) come first among suggestions
    statements: tuple[StatementSpec, ...]


VERSIONS: dict[int, tuple[str, tuple[AreaSpec, ...]]] = {
    1: (
        N_("Digital maturity in school and preschool, version 1"),
        (
            AreaSpec(
                "L",
                N_("Leadership"),
                N_("How the school leads and follows up its digital work."),
                True,
                (
                    StatementSpec(
                        "L1",
                        N_(
                            "The leadership has a written plan for the school's digital work that starts from the organisation's målbild and is followed up every term."
                        ),
                        N_(
                            "Write a one-page plan: where you are heading, three steps to take this year and when you will follow them up."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L2",
                        N_(
                            "The principal sets aside time in the teams' meeting schedules to discuss and try out digital ways of working."
                        ),
                        N_(
                            "Put a recurring item on digital ways of working into the teams' meeting plan for the coming term, at least once a month."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L3",
                        N_(
                            "Responsibility for digital matters is divided and known: everyone knows who answers for teaching, technology and data protection."
                        ),
                        N_(
                            "Write down who is responsible for what, share it with all staff and put it where newcomers will find it."
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "L4",
                        N_(
                            "Digital tools and services are chosen for teaching needs and checked against data protection rules before they are introduced."
                        ),
                        N_(
                            "Agree on a short checklist that every new tool passes before use: purpose, data protection, accessibility and cost."
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "L5",
                        N_(
                            "The school follows up how digital tools are used and what difference they make, with data and the pupils' experiences."
                        ),
                        N_(
                            "Choose two or three measures (for example from the pupil survey) and look at them together with staff once a term."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "L6",
                        N_(
                            "The leadership has a plan for carrying out digital national tests: rooms, timetable, spare devices and support on the day."
                        ),
                        N_(
                            "Make a test-day plan with rooms, times, spare devices, who to call when something fails, and run a trial well ahead."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "L7",
                        N_(
                            "Guardians are told regularly how the school works digitally and how the pupils' personal data is protected."
                        ),
                        N_(
                            "Add a short section on digital work and data protection to the next letter to guardians and to the parents' meeting."
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "L8",
                        N_(
                            "The school's plan for staff development builds on a survey of the staff's digital competence."
                        ),
                        N_(
                            "Use this self-assessment's competence area as a starting point and ask each team which two skills they need most."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L9",
                        N_(
                            "The leadership shares experience with other schools in the municipality and learns from theirs."
                        ),
                        N_(
                            "Invite a principal from another school to visit, or visit one, with one concrete question about digital work."
                        ),
                        ("preschool",),
                    ),
                ),
            ),
            AreaSpec(
                "I",
                N_("Infrastructure"),
                N_("Networks, devices, accounts, support and the services in use."),
                True,
                (
                    StatementSpec(
                        "I1",
                        N_(
                            "The wireless network works well in every teaching room, even when a whole class is connected at the same time."
                        ),
                        N_(
                            "Ask staff to report the rooms where the network fails and hand the list to the IT unit with a date for a follow-up."
                        ),
                        ("national_tests", "preschool"),
                    ),
                    StatementSpec(
                        "I2",
                        N_("Every pupil has a working digital device when teaching calls for one."),
                        N_(
                            "Count the working devices per class against the number of pupils and plan how to close the gap."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I3",
                        N_(
                            "There is a support routine with known response times, so that broken equipment is mended within a few days."
                        ),
                        N_(
                            "Agree with the IT unit on how faults are reported and how quickly they are handled, and tell all staff."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "I4",
                        N_(
                            "Pupils and staff log in with their own accounts, and logging in works on every device they use."
                        ),
                        N_(
                            "Check at the start of term that every pupil can log in, and have a routine for forgotten passwords that takes minutes."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I5",
                        N_(
                            "Spare devices, chargers and headphones are available and kept in order ahead of tests and lessons."
                        ),
                        N_(
                            "Name someone responsible for the spare equipment and check it a week before every test period."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I6",
                        N_(
                            "The school's digital services are listed, with data processing agreements and impact assessments where needed."
                        ),
                        N_(
                            "List every service used in teaching and ask the data protection officer which ones lack an agreement."
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "I7",
                        N_(
                            "Teachers have working equipment for showing material and for sound in every teaching room."
                        ),
                        N_(
                            "Walk through the rooms with a short checklist and report what is missing or broken."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "I8",
                        N_(
                            "Devices are replaced according to a plan with a budget, so that equipment never grows too old for the services in use."
                        ),
                        N_(
                            "Write down the age of the devices and propose a replacement cycle to the förvaltning for next year's budget."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "I9",
                        N_(
                            "Digital learning resources and accessibility tools (speech synthesis, recorded books) are there for the pupils who need them."
                        ),
                        N_(
                            "Ask the pupil health team which tools pupils need, and make sure they are installed and that pupils know how to use them."
                        ),
                        ("national_tests",),
                    ),
                ),
            ),
            AreaSpec(
                "K",
                N_("Competence"),
                N_("What staff know and how they learn from each other."),
                False,
                (
                    StatementSpec(
                        "K1",
                        N_(
                            "All teachers have basic knowledge of the digital tools the school uses: the learning platform, office software and the school's devices."
                        ),
                        N_(
                            "Offer a short, practical introduction to the learning platform and let colleagues help each other in pairs."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K2",
                        N_(
                            "Teachers choose digital tools for the purpose of the lesson and can explain why."
                        ),
                        N_(
                            "Let each team plan one lesson together where the choice of tool is discussed, and share what they learned."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K3",
                        N_(
                            "Staff have practised carrying out digital tests, including what to do when the technology fails."
                        ),
                        N_(
                            "Hold a practice test session for staff in the real test platform, with a planned fault to handle."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "K4",
                        N_(
                            "Staff can teach pupils source criticism and safe, responsible behaviour online."
                        ),
                        N_(
                            "Pick teaching material on source criticism that everyone uses, and go through it together at a staff meeting."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K5",
                        N_(
                            "Staff know how personal data is handled in digital services and what must not be entered where."
                        ),
                        N_(
                            "Go through the rules for personal data in the services you use, with examples from everyday work, once a year."
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "K6",
                        N_(
                            "Staff learn from each other about digital ways of working, for example by visiting each other's lessons or planning together."
                        ),
                        N_(
                            "Set up lesson visits in pairs this term, each followed by a short conversation about what worked."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K7",
                        N_(
                            "Teachers of mathematics and technology can teach programming as the syllabuses require."
                        ),
                        N_(
                            "Find out who feels unsure, and offer them a course or a colleague who can teach programming with them."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "K8",
                        N_(
                            "New staff are introduced to the school's digital tools and routines within their first month."
                        ),
                        N_(
                            "Write a checklist for the first month: accounts, learning platform, data protection and who to ask."
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "K9",
                        N_(
                            "There are people who support their colleagues in digital teaching, such as an ICT teacher or a lead teacher."
                        ),
                        N_(
                            "Give someone time and a mandate to support colleagues, and tell everyone when and how to reach them."
                        ),
                        ("preschool",),
                    ),
                ),
            ),
            AreaSpec(
                "A",
                N_("Use"),
                N_("How children and pupils actually work with digital tools."),
                False,
                (
                    StatementSpec(
                        "A1",
                        N_(
                            "Pupils use digital tools to create, not only to take in content: they write, film, program and present."
                        ),
                        N_(
                            "Plan one assignment per subject this term where pupils create something digital that others will see."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A2",
                        N_(
                            "Pupils regularly write longer texts digitally, so that they are used to the format before digital tests."
                        ),
                        N_(
                            "Agree in each year group on how often pupils write longer texts on a device, and follow it up at the end of term."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "A3",
                        N_(
                            "Digital tools are used to adapt teaching to pupils with different needs."
                        ),
                        N_(
                            "Together with the pupil health team, choose two adaptations that every teacher offers digitally."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A4",
                        N_(
                            "Teachers give feedback digitally in a way that pupils can see and use in their further work."
                        ),
                        N_(
                            "Agree on where and how feedback is given in the learning platform, so it looks the same in every subject."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A5",
                        N_("Pupils practise source criticism on real sources in several subjects."),
                        N_(
                            "Plan one cross-subject task on source criticism per year group this school year."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A6",
                        N_(
                            "Pupils have practised taking tests in the platform used for the digital national tests."
                        ),
                        N_(
                            "Book a practice session in the test platform for every class that will take national tests, well ahead of time."
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "A7",
                        N_(
                            "In preschool, children use digital tools together with staff to explore, document and tell stories."
                        ),
                        N_(
                            "Choose one project this term where the children document their own exploring with a tablet, and look back at it with them."
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A8",
                        N_(
                            "The learning platform is used in the same way across the school, so that pupils and guardians find plans and assignments."
                        ),
                        N_(
                            "Agree on a few shared rules for the learning platform (where plans go, how assignments are named) and check them in a month."
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A9",
                        N_(
                            "Pupils reflect on how digitalisation changes society and their own lives."
                        ),
                        N_(
                            "Take up digitalisation's effects in social studies this year, with the pupils' own experiences as a starting point."
                        ),
                        (),
                    ),
                ),
            ),
        ),
    ),
}


def ensure(version: int = CURRENT_VERSION, registry: Any = None) -> Any:
    """The stored MaturityModel of `version`, written first when it is missing (idempotent).

    `registry` is a migration's app registry; the live models are used without one. A few
    queries when the version exists, one bulk insert per table when it does not."""
    if registry is None:
        from django.apps import apps as registry
    MaturityModel = registry.get_model("assessments", "MaturityModel")
    Area = registry.get_model("assessments", "Area")
    Statement = registry.get_model("assessments", "Statement")
    title, areas = VERSIONS[version]
    with transaction.atomic():
        model, created = MaturityModel.objects.get_or_create(
            version=version, defaults={"title": title}
        )
        if not created:
            return model
        for position, spec in enumerate(areas, start=1):
            area = Area.objects.create(
                model=model,
                key=spec.key,
                name=spec.name,
                description=spec.description,
                foundation=spec.foundation,
                position=position,
            )
            Statement.objects.bulk_create(
                Statement(
                    model=model,
                    area=area,
                    key=s.key,
                    text=s.text,
                    next_step=s.next_step,
                    tags=list(s.tags),
                    position=index,
                )
                for index, s in enumerate(spec.statements, start=1)
            )
    return model
