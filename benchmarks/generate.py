"""Synthetic data at national scale, written with bulk inserts.

`generate(cases=N)` fills an empty, migrated database: N cases over ten years, 50 contacts,
8 interventions and 10 life-domain scores per case (with their history rows), N/100
directors, N/4 users holding grants, 0.15·N meetings with agenda, attendance and minutes.
Deterministic (fixed random seed). Reference data comes from the migrations.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.models import (
    Area,
    Case,
    CaseAccessGrant,
    CaseIdentity,
    CaseTransition,
    CaseUserObjectPermission,
    Contact,
    DirectorAssignment,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomain,
    LifeDomainScore,
    OutflowReason,
    ReportSource,
    RiskCategory,
)
from ipgar import roles
from ipgar.models import Organisation, User
from meetings import services as meeting_services
from meetings.models import AgendaItem, Invitation, Meeting, MeetingBody, MinuteEntry, Minutes
from pool.models import Director

BATCH = 5000
TODAY = dt.date(2026, 11, 1)
S = Case.Status


def _minutes_and_minute_takers(meetings: list[Meeting]) -> None:
    """Adopted minutes, and who takes them as meeting_create records it (guardian's
    take_minutes for the secretary and the programme team, in two bulk INSERTs)."""
    Minutes.objects.bulk_create(
        [Minutes(meeting=meeting, status=Minutes.Status.ADOPTED) for meeting in meetings], batch_size=BATCH
    )
    meeting_services.take_minutes_grant(meetings=meetings)


def _log(message: str, started: float) -> None:
    print(f"  {message} ({time.monotonic() - started:.1f} s)", flush=True)


def _pick_status(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in (
        (S.CLOSED, 0.60),
        (S.ACTIVE, 0.25),
        (S.STATIC, 0.05),
        (S.AFTERCARE, 0.03),
        (S.NOT_INCLUDED, 0.03),
        (S.ASSESSMENT, 0.02),
        (S.ADVISED, 0.01),
    ):
        if roll < share:
            return status
        roll -= share
    return S.REPORTED


@transaction.atomic
def generate(*, cases: int, seed: int = 42) -> dict:
    """Fill the current (empty, migrated) database; returns what was made.

    The phases draw from one random generator in this order; keep it, or the data changes.
    """
    rng = random.Random(seed)
    started = time.monotonic()
    ref = {
        "areas": list(Area.objects.all()),
        "sources": list(ReportSource.objects.all()),
        "risks": list(RiskCategory.objects.all()),
        "ideologies": list(Ideology.objects.all()),
        "domains": list(LifeDomain.objects.all()),
        "reasons": list(OutflowReason.objects.all()),
        "types": list(InterventionType.objects.select_related("default_partner")),
        "core": list(Organisation.objects.filter(kind=Organisation.Kind.CORE_PARTNER)),
    }
    programme, directors, other_users = _users(rng, cases=cases, core=ref["core"])
    _log(f"{len(directors)} directors, {len(other_users)} users", started)
    all_cases = _cases(rng, cases=cases, ref=ref, directors=directors, programme=programme)
    transitions = _transitions(all_cases, programme=programme)
    _log(f"{cases} cases with identities, history, assignments and {transitions} transitions", started)
    user_of_director = {d.pk: d.user_id for d in directors}
    grants = _grants(
        rng, all_cases=all_cases, user_of_director=user_of_director, other_users=other_users, programme=programme
    )
    _log(f"{grants} grants", started)
    included = [c for c in all_cases if c.included_on]
    by_of = {"user_of_director": user_of_director, "programme": programme}
    made = {"contacts": _contacts(rng, cases=cases, included=included, **by_of)}
    _log(f"{made['contacts']} contacts", started)
    made["interventions"] = _interventions(rng, cases=cases, included=included, ref=ref, programme=programme)
    made["scores"] = _scores(rng, cases=cases, included=included, ref=ref, **by_of)
    _log(f"{made['interventions']} interventions, {made['scores']} scores", started)
    n_meetings, n_items = _meetings(rng, cases=cases, included=included, other_users=other_users, programme=programme)
    _log(f"{n_meetings} meetings with {n_items} agenda items and minutes", started)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "cases": cases,
        "directors": len(directors),
        "users_with_grants": len(other_users),
        "grants": grants,
        **made,
        "meetings": n_meetings,
        "seconds": round(time.monotonic() - started, 1),
    }


def _users(rng: random.Random, *, cases: int, core: list) -> tuple[User, list[Director], list[User]]:
    """The programme team's bench-pt, N/100 directors, N/4 PTO-R members and intervention partners."""
    groups = {g.name: g for g in Group.objects.all()}
    n_directors = max(cases // 100, 2)
    n_users = max(cases // 4, 10)
    programme = User.objects.create(username="bench-pt", first_name="Bench", last_name="Programme")
    programme.set_password("bench")
    programme.save()
    programme.groups.add(groups[roles.PROGRAMME_TEAM])
    director_users = User.objects.bulk_create(
        [
            User(username=f"bench-r-{i:04d}", first_name="Regisseur", last_name=str(i), organisation=rng.choice(core))
            for i in range(n_directors)
        ],
        batch_size=BATCH,
    )
    groups[roles.DIRECTOR].user_set.add(*director_users)
    directors = Director.objects.bulk_create(
        [
            Director(
                user=user,
                organisation=user.organisation,
                fte=rng.choice([Decimal("0.5"), Decimal("1.0")]),
                active_from=dt.date(2016, 1, 1),
            )
            for user in director_users
        ],
        batch_size=BATCH,
    )
    other_users = User.objects.bulk_create(
        [
            User(username=f"bench-u-{i:05d}", first_name="Gebruiker", last_name=str(i), organisation=rng.choice(core))
            for i in range(n_users)
        ],
        batch_size=BATCH,
    )
    groups[roles.PTO_R_MEMBER].user_set.add(*other_users[: n_users // 10])
    groups[roles.INTERVENTION_PARTNER].user_set.add(*other_users[n_users // 10 :])
    return programme, directors, other_users


def _case(rng: random.Random, i: int, *, ref: dict, directors: list[Director]) -> Case:
    reported = TODAY - dt.timedelta(days=rng.randint(10, 3650))
    status = _pick_status(rng)
    included = None
    closed = None
    director = None
    if status in (S.ACTIVE, S.STATIC, S.AFTERCARE, S.CLOSED):
        included = reported + dt.timedelta(days=rng.randint(7, 224))
        if included > TODAY:
            included = TODAY
        director = rng.choice(directors)
    if status == S.CLOSED:
        closed = min(included + dt.timedelta(days=rng.randint(60, 900)), TODAY)
    return Case(
        code=f"R-{reported.year}-{i:05d}",
        status=status,
        reported_on=reported,
        report_source=rng.choice(ref["sources"]),
        report_summary="Synthetische melding.",
        area=rng.choice(ref["areas"]),
        risk_category=rng.choice(ref["risks"]),
        ideology=rng.choice(ref["ideologies"]),
        director=director,
        included_on=included,
        closed_on=closed,
        outflow_reason=rng.choice(ref["reasons"]) if closed else None,
        is_detained=rng.random() < 0.03,
        is_abroad=rng.random() < 0.02,
        information_picture="Synthetisch informatiebeeld.",
    )


def _cases(rng: random.Random, *, cases: int, ref: dict, directors: list[Director], programme: User) -> list[Case]:
    """The cases (with history), their identities and director assignments; returns them in pk order."""
    case_rows = [_case(rng, i, ref=ref, directors=directors) for i in range(cases)]
    bulk_create_with_history(case_rows, Case, batch_size=BATCH, default_user=programme)
    all_cases = list(
        Case.objects.order_by("pk").only("pk", "director_id", "included_on", "reported_on", "status", "closed_on")
    )
    CaseIdentity.objects.bulk_create(
        [
            CaseIdentity(case=case, first_name=f"Voornaam{case.pk}", last_name=f"Achternaam{case.pk}")
            for case in all_cases
        ],
        batch_size=BATCH,
    )
    DirectorAssignment.objects.bulk_create(
        [
            DirectorAssignment(
                case=case, director_id=case.director_id, started_on=case.included_on, assigned_by=programme
            )
            for case in all_cases
            if case.director_id
        ],
        batch_size=BATCH,
    )
    return all_cases


def _transitions(all_cases: list[Case], *, programme: User) -> int:
    """Each case's path to its status, dated; returns how many."""
    transitions = []
    for case in all_cases:
        steps = [(S.REPORTED, S.ASSESSMENT, case.reported_on + dt.timedelta(days=2))]
        if case.included_on:
            steps += [
                (S.ASSESSMENT, S.ADVISED, max(case.included_on - dt.timedelta(days=7), case.reported_on)),
                (S.ADVISED, S.ACTIVE, case.included_on),
            ]
            if case.status in (S.STATIC, S.AFTERCARE):
                steps.append((S.ACTIVE, case.status, min(case.included_on + dt.timedelta(days=200), TODAY)))
            if case.status == S.CLOSED:
                steps.append((S.ACTIVE, S.CLOSED, case.closed_on))
        for source, target, day in steps:
            transitions.append(
                CaseTransition(
                    case_id=case.pk,
                    from_status=source,
                    to_status=target,
                    at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
                    by=programme,
                    reason="benchmark",
                )
            )
    CaseTransition.objects.bulk_create(transitions, batch_size=BATCH)
    return len(transitions)


def _grants(rng: random.Random, *, all_cases, user_of_director: dict, other_users, programme: User) -> int:
    """Every director on their open cases, users on three cases each; returns how many."""
    grants = []
    for case in all_cases:
        if case.director_id and case.status != S.CLOSED:
            grants.append((user_of_director[case.director_id], case.pk, CaseAccessGrant.Kind.DIRECTOR))
    for user in other_users:
        for case in rng.sample(all_cases, 3):
            grants.append((user.pk, case.pk, rng.choice([CaseAccessGrant.Kind.EXPLICIT, CaseAccessGrant.Kind.PARTNER])))
    now = timezone.now()
    CaseAccessGrant.objects.bulk_create(
        [
            CaseAccessGrant(
                user_id=u,
                case_id=c,
                kind=k,
                reason="benchmark",
                granted_by=programme,
                valid_from=now - dt.timedelta(days=1),
            )
            for u, c, k in grants
        ],
        batch_size=BATCH,
    )
    # The guardian rows each kind carries, as cases.permissions.grant_case_access writes them.
    perm_ids = dict(Permission.objects.filter(content_type__app_label="cases").values_list("codename", "pk"))
    CaseUserObjectPermission.objects.bulk_create(
        [
            CaseUserObjectPermission(user_id=u, content_object_id=c, permission_id=perm_ids[codename])
            for u, c, k in grants
            for codename in CaseAccessGrant.PERMISSIONS_BY_KIND[k]
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(grants)


def _contacts(rng: random.Random, *, cases: int, included, user_of_director: dict, programme: User) -> int:
    """50 contacts per case (with history), in chunks; returns how many."""
    kinds = [k for k, _ in Contact.Kind.choices]
    made = 0
    for chunk_start in range(0, cases * 50, BATCH * 4):
        rows = []
        for _ in range(min(BATCH * 4, cases * 50 - chunk_start)):
            case = rng.choice(included)
            rows.append(
                Contact(
                    case_id=case.pk,
                    date=case.included_on + dt.timedelta(days=rng.randint(0, max((TODAY - case.included_on).days, 0))),
                    kind=rng.choice(kinds),
                    by_id=user_of_director.get(case.director_id, programme.pk),
                    note="Contact.",
                )
            )
        bulk_create_with_history(rows, Contact, batch_size=BATCH, default_user=programme)
        made += len(rows)
    return made


def _interventions(rng: random.Random, *, cases: int, included, ref: dict, programme: User) -> int:
    """Eight interventions per case (with history); returns how many."""
    statuses = [s for s, _ in Intervention.Status.choices]
    rows = []
    for _ in range(cases * 8):
        case = rng.choice(included)
        kind = rng.choice(ref["types"])
        start = case.included_on + dt.timedelta(days=rng.randint(0, 400))
        status = rng.choice(statuses)
        rows.append(
            Intervention(
                case_id=case.pk,
                type=kind,
                partner=kind.default_partner or rng.choice(ref["core"]),
                goal="Doel.",
                started_on=min(start, TODAY),
                ended_on=min(start + dt.timedelta(days=120), TODAY) if status in ("completed", "stopped") else None,
                status=status,
            )
        )
    bulk_create_with_history(rows, Intervention, batch_size=BATCH, default_user=programme)
    return len(rows)


def _scores(rng: random.Random, *, cases: int, included, ref: dict, user_of_director: dict, programme: User) -> int:
    """Ten life-domain scores per case (with history); returns how many."""
    rows = []
    for _ in range(cases * 10):
        case = rng.choice(included)
        rows.append(
            LifeDomainScore(
                case_id=case.pk,
                domain=rng.choice(ref["domains"]),
                score=rng.randint(1, 5),
                scored_on=min(case.included_on + dt.timedelta(days=rng.randint(0, 700)), TODAY),
                by_id=user_of_director.get(case.director_id, programme.pk),
            )
        )
    bulk_create_with_history(rows, LifeDomainScore, batch_size=BATCH, default_user=programme)
    return len(rows)


def _meetings(rng: random.Random, *, cases: int, included, other_users, programme: User) -> tuple[int, int]:
    """0.15·N meetings with agenda, attendance and adopted minutes; returns meetings and items."""
    bodies = list(MeetingBody.objects.all())
    pto_r = next(b for b in bodies if b.kind == MeetingBody.Kind.PTO_R)
    pto_r.members.add(programme, *other_users[: len(other_users) // 10][:50])
    n_meetings = max(int(cases * 0.15), 5)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                body=rng.choice(bodies),
                date=TODAY - dt.timedelta(days=rng.randint(0, 3650)),
                place="Stadhuis",
                chair=programme,
                secretary=programme,
            )
            for _ in range(n_meetings)
        ],
        batch_size=BATCH,
    )
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                order=order,
                section=AgendaItem.Section.CASES if order >= 3 else AgendaItem.Section.GENERAL,
                title=f"Agendapunt {order}",
                case_id=rng.choice(included).pk if order >= 3 else None,
            )
            for meeting in meetings
            for order in range(1, 7)
        ],
        batch_size=BATCH,
    )
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, user=user, attendance=Invitation.Attendance.PRESENT)
            for meeting in meetings
            for user in [programme, *rng.sample(other_users, 6)]
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    _minutes_and_minute_takers(meetings)
    MinuteEntry.objects.bulk_create(
        [
            MinuteEntry(agenda_item=item, text="Bespreking van het agendapunt.", order=1, created_by=programme)
            for item in items
        ],
        batch_size=BATCH,
    )
    return n_meetings, len(items)
