"""Mittköping's announcements: to the politicians, the administration, the principals, the
staff of Åsens skola, guardians and pupils, and the public; published over the last weeks, and
one draft waiting; success stories with pupils' own words and their consent records (one sent
in by a guardian, waiting for review); and feedback from the public, two answered and one waiting
for moderation. Fictional, written for Målbild; dates relative to today.

Loading is idempotent: nothing is written when the organisation already has written
announcements.
"""

from datetime import timedelta

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.announcements.models import Announcement
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

Kind = Announcement.Kind

# (days ago or None for a draft, kind, unit code or "", audiences, title, summary, body)
ANNOUNCEMENTS = (
    (2, Kind.NEWS, "", ("guardians", "public"),
     "Alla elever i åk 4–9 får en egen lärplatta",
     "Från höstterminen har varje elev i årskurs 4–9 en egen lärplatta i skolan och hemma.",
     "Nämnden har beslutat att varje elev i årskurs 4–9 får en egen lärplatta från höstterminen."
     "\n\nPlattan är skolans och lämnas tillbaka när eleven slutar. Skolan berättar på "
     "föräldramötet hur ni kan stötta ert barn hemma."),
    (5, Kind.DECISION, "", ("elected", "administration", "unit_leads"),
     "Uppföljningen av målbilden flyttas till vecka 46",
     "Förvaltningen föreslår att höstens uppföljning redovisas för nämnden i november.",
     "Höstens uppföljning av målbilden redovisas för barn- och utbildningsnämnden vecka 46, så "
     "att vårens resultat från självskattningarna hinner komma med.\n\n"
     "**Rektorerna** lämnar sina rapporter senast två veckor innan."),
    (9, Kind.CHANGE, "ASEN", ("staff",),
     "Ny lärplattform på Åsens skola efter sportlovet",
     "Arbetslagen på Åsen byter till den nya lärplattformen efter sportlovet.",
     "Efter sportlovet använder alla arbetslag på Åsens skola den nya lärplattformen.\n\n"
     "- Utbildning på studiedagen\n- Digitala pedagoger finns på plats första veckan\n"
     "- Gamla uppgifter flyttas över av IT-enheten"),
    (14, Kind.NEWS, "ASEN", ("guardians",),
     "Programmering på fritids – välkommen på öppet hus",
     "Fritidshemmet Åsen visar vad barnen byggt och programmerat under hösten.",
     "Välkommen till öppet hus på Fritidshemmet Åsen! Barnen visar sina robotar och spel. "
     "Vi bjuder på fika."),
    (20, Kind.NEWS, "", ("public",),
     "Mittköping bland kommunerna som lyfter elevernas digitala kompetens",
     "Målbilden för skolans digitalisering har nu gällt ett år.",
     "Målbilden för skolans digitalisering har nu gällt ett år. Alla skolor har satt egna mål "
     "och följer upp dem två gånger om året. Här på de öppna sidorna ser du hur det går."),
    (None, Kind.CHANGE, "", ("unit_leads", "staff"),
     "Studiedag om AI i undervisningen",
     "Alla rektorer och lärare samlas för en gemensam studiedag om AI i skolan.",
     "Under studiedagen i mars går vi igenom Skolverkets stöd om AI och delar exempel från "
     "våra egna klassrum."),
)  # fmt: skip


def load(organisation: Organisation, people: dict[str, User]) -> None:
    load_stories(organisation, people)
    load_highlight(organisation, people)
    load_feedback(organisation, people)
    now = timezone.now()
    with scope(organisation):
        if Announcement.objects.filter(origin=Announcement.Origin.WRITTEN).exists():
            return
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=["ASEN"])}
        for days, kind, unit, audiences, title, summary, body in ANNOUNCEMENTS:
            announcement = Announcement.objects.create(
                organisation=organisation,
                kind=kind,
                unit=units.get(unit) if unit else None,
                title=title,
                summary=summary,
                body=body,
                status=Announcement.Status.DRAFT if days is None else Announcement.Status.PUBLISHED,
                published_at=None if days is None else now - timedelta(days=days),
                created_by=people["rektor" if unit else "forvaltning"],
                **{f"to_{a}": True for a in audiences},
            )
            audit.record(
                "communication.announcement_created",
                actor=announcement.created_by,
                target=announcement,
                summary=title,
            )


# Success stories and feedback ---------------------------------------------------------------------

# (days ago or None while waiting for review, unit code, value keys, title, summary, body,
#  quotes: (text, speaker, consent by))
STORIES = (
    (4, "ASEN", ("medborgarfokus", "tillit"),
     "Sexorna blev programmeringsfaddrar åt ettorna",
     "På Åsens skola lär eleverna i åk 6 de yngsta att programmera, och båda åldrarna växer.",
     "I vår har eleverna i årskurs 6 på Åsens skola varit **programmeringsfaddrar**. En gång i "
     "veckan träffas sexorna och ettorna och bygger enkla spel med blockprogrammering.\n\n"
     "Lärarna ser att sexorna förklarar med egna ord, och att ettorna vågar pröva själva.",
     (("När ettan fick sin figur att hoppa skrek hon rakt ut. Då kände jag mig som en riktig "
       "lärare.", "Elev i åk 6", "guardian"),
      ("Jag kan göra en loop nu. Det är när saker händer om och om igen!", "Elev i åk 1",
       "guardian"))),
    (11, "", ("oppenhet", "standiga-forbattringar"),
     "Talsyntes gav fler elever tillgång till texterna",
     "Efter att alla elever fick talsyntes på sina lärplattor läser fler på egen hand.",
     "Sedan höstterminen har alla elever talsyntes och rättstavning på sina lärplattor. "
     "Specialpedagogerna berättar att elever som tidigare behövde en vuxen vid sin sida nu "
     "klarar uppgifterna själva.",
     (("Förut låtsades jag att jag läste. Nu lyssnar jag på texten och hänger med på "
       "lektionen.", "Elev i åk 8", "pupil"),)),
    (None, "ASEN", (),
     "Min son har börjat berätta om skolan",
     "",
     "",
     (("Han visar mig vad klassen har filmat och klippt på lärplattan. Han har aldrig pratat så "
       "mycket om skolan förut.", "Förälder på Åsens skola", "guardian"),)),
)  # fmt: skip

# (days ago, unit code, message, answer or "" while waiting, status)
FEEDBACK = (
    (6, "ASEN",
     "Bra att barnen får egna lärplattor, men hur gör vi om den går sönder hemma?",
     "Tack för frågan! En skada som sker av misstag ersätts av skolans försäkring. Kontakta "
     "klassläraren så ordnar skolan en ny platta, oftast inom en vecka.", "published"),
    (15, "",
     "Jag uppskattar att ni visar målen öppet. Kan ni också berätta hur ni följer upp dem?",
     "Vi följer upp alla mål två gånger om året. Resultaten redovisas för barn- och "
     "utbildningsnämnden och publiceras under **Mål** här på de öppna sidorna.", "published"),
    (1, "",
     "Får skolorna använda AI-tjänster med elevernas texter? Vad gäller för personuppgifterna?",
     "", "pending"),
)  # fmt: skip


def load_stories(organisation: Organisation, people: dict[str, User]) -> None:
    """Stories with pupils' voices and their consent records; one waiting for review."""
    from malbild.platforms.models import Value
    from malbild.stories.models import Quote, Story

    now = timezone.now()
    with scope(organisation):
        if Story.objects.exists():
            return
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=["ASEN"])}
        values = {v.key: v for v in Value.objects.all()}
        for days, unit, keys, title, summary, body, quotes in STORIES:
            submitted = days is None
            story = Story.objects.create(
                organisation=organisation,
                title=title,
                summary=summary,
                body=body,
                unit=units.get(unit) if unit else None,
                status=Story.Status.SUBMITTED if submitted else Story.Status.PUBLISHED,
                origin=Story.Origin.SUBMITTED if submitted else Story.Origin.WRITTEN,
                published_at=None if submitted else now - timedelta(days=int(days or 0)),
                created_by=None if submitted else people["rektor" if unit else "forvaltning"],
            )
            story.values.set([values[k] for k in keys if k in values])
            for text, speaker, consent_by in quotes:
                Quote.objects.create(
                    organisation=organisation,
                    story=story,
                    text=text,
                    speaker=speaker,
                    consent_by=consent_by,
                    consent_at=now - timedelta(days=int(days or 0) + 3),
                )
            audit.record(
                "communication.story_submitted" if submitted else "communication.story_created",
                actor=story.created_by,
                target=story,
                summary=title,
                organisation=organisation,
            )


# The highlighted story, on the dashboards and the public start page: (title, summary, body,
# quote, speaker, consent by)
HIGHLIGHT = (
    "Klass 5B gjorde en podd om sin skolgård",
    "Eleverna i 5B på Åsens skola intervjuade varandra och grannarna, och skolgården fick nya "
    "bänkar.",
    "Under hösten spelade klass 5B in en podd i sex avsnitt om hur skolgården kunde bli bättre. "
    "Eleverna planerade frågorna, spelade in med lärplattorna och klippte ljudet själva.\n\n"
    "Podden spelades upp för föräldrarådet, och till våren står det nya bänkar och en "
    "läshörna under tallarna.",
    "Först var jag nervös för att höra min egen röst. Nu vill jag bli radioreporter!",
    "Elev i åk 5",
    "guardian",
)


def load_highlight(organisation: Organisation, people: dict[str, User]) -> None:
    """One published story lifted onto the dashboards and the public start page, with a
    pupil's words and a guardian's consent."""
    from malbild.stories.models import Quote, Story

    title, summary, body, text, speaker, consent_by = HIGHLIGHT
    now = timezone.now()
    with scope(organisation):
        if Story.objects.filter(title=title).exists():
            return
        story = Story.objects.create(
            organisation=organisation,
            title=title,
            summary=summary,
            body=body,
            unit=OrgUnit.objects.filter(code="ASEN").first(),
            status=Story.Status.PUBLISHED,
            origin=Story.Origin.WRITTEN,
            published_at=now - timedelta(days=2),
            highlighted=True,
            created_by=people["rektor"],
            reviewed_by=people["rektor"],
        )
        Quote.objects.create(
            organisation=organisation,
            story=story,
            text=text,
            speaker=speaker,
            consent_by=consent_by,
            consent_at=now - timedelta(days=6),
        )
        audit.record(
            "communication.story_highlighted",
            actor=people["rektor"],
            target=story,
            summary=title,
            organisation=organisation,
        )


def load_feedback(organisation: Organisation, people: dict[str, User]) -> None:
    """Feedback from the public: two answered, one waiting for moderation."""
    from malbild.feedback.models import Feedback

    now = timezone.now()
    with scope(organisation):
        if Feedback.objects.exists():
            return
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=["ASEN"])}
        for days, unit, message, answer, status in FEEDBACK:
            feedback = Feedback.objects.create(
                organisation=organisation,
                message=message,
                unit=units.get(unit) if unit else None,
                answer=answer,
                answered_at=now - timedelta(days=days - 1) if answer else None,
                status=status,
                moderated_by=people["forvaltning"] if answer else None,
            )
            Feedback.objects.filter(pk=feedback.pk).update(created_at=now - timedelta(days=days))
            audit.record(
                "communication.feedback_received",
                target=feedback,
                organisation=organisation,
            )
