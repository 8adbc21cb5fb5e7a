"""The authorization matrix (docs/access.md, "How access is tested").

Every named URL of the project is in POLICY, or the test fails. For every role and for own /
substituted / other / partner-registered cases it asserts the status (200, 302 or 404 — never
403 or 500) and that identity and information picture of cases the role may not read are not
in the HTML. Adding a URL means adding one line below.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases import permissions
from cases import services as case_services
from cases.models import CaseAccessGrant
from ipgar import roles
from meetings import services as meeting_services
from meetings.models import MeetingBody
from monitor import services as monitor_services
from pool import services as pool_services
from pool.models import Director
from tests.access.factories import InterventionPartnerFactory, register_partner
from tests.cases.factories import (
    CaseFactory,
    DirectorFactory,
    InterventionFactory,
    PlanGoalFactory,
    ProgrammeUserFactory,
)
from tests.ipgar.factories import UserFactory

# Public pages: no login, no case data. Everything else must be in POLICY.
PUBLIC = {"login", "logout", "two_factor", "enrol", "healthz", "set_language", "accessibility"}
SKIPPED_NAMESPACES = {"admin"}

PT, DIR, PTOR, PARTNER, IP, FG, ADMIN = (
    roles.PROGRAMME_TEAM,
    roles.DIRECTOR,
    roles.PTO_R_MEMBER,
    roles.PARTNER,
    roles.INTERVENTION_PARTNER,
    roles.PRIVACY_OFFICER,
    roles.ADMINISTRATOR,
)
ROLES = (PT, DIR, PTOR, PARTNER, IP, FG, ADMIN)
# Principals besides the seven roles, whose expectations derive from the rows' role columns:
NOROLE = "no role"  # logged in, in no group: nothing but the home page
MULTI = "PTO-R member + privacy officer"  # several roles: what either role may, nothing more
FORMER = "former director"  # a director whose case was handed over: no case of the world
SUB_OUT = "substitute outside the window"  # a substitution that has ended, and one not yet begun
PRINCIPALS = (*ROLES, NOROLE, MULTI, FORMER, SUB_OUT)
MULTI_ROLES = (PTOR, FG)
OWN, SUB, OTHER, REG = "own", "substituted", "other", "registered"
CASE_VARIANTS = (OWN, SUB, OTHER, REG)
OK = 200
NO = 404
DONE = {200, 302}  # a POST that succeeds (redirect) or shows the form with errors


# --- the world every row is checked against ------------------------------------------------------


@dataclass
class Target:
    case: object
    intervention: object
    goal: object
    registration: object | None = None


@dataclass
class World:
    users: dict
    me: object  # the acting director
    targets: dict
    meeting: object
    snapshots: dict
    instruction: object | None = None
    action: object | None = None
    explicit_grant: object | None = None


def _secret_identity(case, variant):
    identity = case.identity
    identity.last_name = f"Achternaam{variant.capitalize()}Geheim"
    identity.address = f"Geheimestraat {variant}"
    identity.save()
    case.information_picture = f"Informatiebeeld {variant} vertrouwelijk"
    case.save()


def _matrix_users(*, by, me) -> dict:
    users = {
        PT: by,
        DIR: me.user,
        PTOR: UserFactory(username="matrix-ptor", role=PTOR),
        PARTNER: UserFactory(username="matrix-partner", role=PARTNER),
        IP: InterventionPartnerFactory(username="matrix-ip"),
        FG: UserFactory(username="matrix-fg", role=FG),
        ADMIN: UserFactory(username="matrix-admin", role=ADMIN, is_staff=True),
        NOROLE: UserFactory(username="matrix-norole"),
        MULTI: UserFactory(username="matrix-multi", role=PTOR),
        FORMER: DirectorFactory(user__username="matrix-former").user,
        SUB_OUT: DirectorFactory(user__username="matrix-sub-out").user,
    }
    users[MULTI].groups.add(Group.objects.get(name=FG))
    return users


def _substitutes(*, by, me, users, cases) -> None:
    now = timezone.now()
    permissions.grant_case_access(
        user=me.user, case=cases[SUB], kind=CaseAccessGrant.Kind.SUBSTITUTE, reason="vervanging", by=by,
        valid_from=now - dt.timedelta(days=1), valid_until=now + dt.timedelta(days=7),
    )  # fmt: skip
    # The substitute outside the window: an absence that ended a minute ago (made while it
    # ran, so its guardian rows are still there: only the clock stops it), and one from tomorrow.
    with time_machine.travel(now - dt.timedelta(days=8)):
        permissions.grant_case_access(
            user=users[SUB_OUT], case=cases[SUB], kind=CaseAccessGrant.Kind.SUBSTITUTE, reason="vervanging", by=by,
            valid_until=now - dt.timedelta(minutes=1),
        )  # fmt: skip
    permissions.grant_case_access(
        user=users[SUB_OUT], case=cases[OTHER], kind=CaseAccessGrant.Kind.SUBSTITUTE, reason="vervanging", by=by,
        valid_from=now + dt.timedelta(days=1), valid_until=now + dt.timedelta(days=8),
    )  # fmt: skip


def _hand_over_and_register(*, by, users, cases, targets, other_director) -> None:
    # The former director held the 'other' and 'registered' cases until they were handed over.
    former = Director.objects.get(user=users[FORMER])
    for variant in (OTHER, REG):
        case_services.case_assign_director(case=cases[variant], director=former, by=by, reason="toewijzing")
        case_services.case_assign_director(case=cases[variant], director=other_director, by=by, reason="overdracht")
    targets[REG].registration = register_partner(
        case=cases[REG], person=users[IP], by=by, interventions=[targets[REG].intervention]
    )
    for variant in (OWN, SUB, OTHER):
        targets[variant].registration = register_partner(case=cases[variant], by=by)


def _meeting(*, by, users, cases):
    """A PTO-R meeting the PTO-R member is invited to, with the 'other' case on its agenda."""
    meeting = meeting_services.meeting_create(
        body=MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R), date=timezone.localdate(), by=by
    )
    meeting_services.invitation_save(meeting=meeting, by=by, user=users[PTOR])
    meeting_services.invitation_save(meeting=meeting, by=by, user=users[MULTI])
    meeting_services.agenda_item_add(meeting=meeting, title="", by=by, case=cases[OTHER])
    return meeting


def build_world() -> World:
    by = ProgrammeUserFactory(username="matrix-pt")
    me, absent, other_director = DirectorFactory(), DirectorFactory(), DirectorFactory()
    users = _matrix_users(by=by, me=me)
    cases = {
        OWN: CaseFactory(active=True, director=me),
        SUB: CaseFactory(active=True, director=absent),
        OTHER: CaseFactory(active=True, director=other_director),
        REG: CaseFactory(active=True, director=other_director),
    }
    targets = {}
    for variant, case in cases.items():
        _secret_identity(case, variant)
        targets[variant] = Target(
            case=case, intervention=InterventionFactory(case=case), goal=PlanGoalFactory(case=case)
        )
    _substitutes(by=by, me=me, users=users, cases=cases)
    _hand_over_and_register(by=by, users=users, cases=cases, targets=targets, other_director=other_director)
    meeting = _meeting(by=by, users=users, cases=cases)
    snapshots = {
        snapshot.variant: snapshot for snapshot in monitor_services.snapshot_build(year=2025, quarter=2, by=by)
    }
    # Real objects for the rows that act on one: an instruction from a caseload review of my
    # own case, an action on the meeting's list.
    review = pool_services.review_record(
        director=me, held_on=timezone.localdate(), by=by,
        items=[{"case": cases[OWN], "instruction": "Contact opnemen", "instruction_due_on": timezone.localdate()}],
    )  # fmt: skip
    instruction = review.instructions.get()
    action = meeting_services.action_create(meeting=meeting, subject="Navragen", description="Bij de wijk", by=by)
    # An explicit grant to someone outside the matrix's roles, for the row that ends one.
    explicit_grant = permissions.explicit_grant_give(
        case=cases[OTHER], user=DirectorFactory().user, reason="ITAT-R", until=timezone.localdate(), by=by
    )
    return World(
        users=users,
        me=me,
        targets=targets,
        meeting=meeting,
        snapshots=snapshots,
        instruction=instruction,
        action=action,
        explicit_grant=explicit_grant,
    )


def forbidden_values(world: World, role: str) -> list[str]:
    """Identity and information picture of every case this role may not read in full."""
    readable = {PT: set(CASE_VARIANTS), DIR: {OWN, SUB}}.get(role, set())  # FORMER, SUB_OUT: none
    values = []
    for variant, target in world.targets.items():
        if variant not in readable:
            identity = target.case.identity
            values += [identity.last_name, identity.bsn, identity.address, target.case.information_picture]
    return values


# --- the policy table: one line per URL name ---------------------------------------------------------


@dataclass
class Row:
    kwargs: Callable[[World, str], dict] = lambda world, variant: {}
    expect: dict = field(default_factory=dict)  # role -> status | {statuses} | {variant: status}
    variants: tuple = ("-",)
    method: str = "get"
    data: dict = field(default_factory=dict)


def only(*allowed, status=OK) -> dict:
    return {role: (status if role in allowed else NO) for role in ROLES}


def page(*allowed, status=OK) -> Row:
    return Row(expect=only(*allowed, status=status))


def post(*allowed) -> Row:
    return Row(expect=only(*allowed, status=DONE), method="post")


# Who reads which case: PT every case; the director own and substituted; nobody else.
CASE_FILE = {**only(PT), DIR: {OWN: OK, SUB: OK, OTHER: NO, REG: NO}}
CASE_MANAGE = {**only(PT, status=DONE), DIR: {OWN: DONE, SUB: DONE, OTHER: NO, REG: NO}}


def case(expect=CASE_FILE, *, key="pk", extra=None, method="get") -> Row:
    def kwargs(world, variant):
        target = world.targets[variant]
        return {key: target.case.pk, **(extra(target) if extra else {})}

    return Row(kwargs=kwargs, expect=expect, variants=CASE_VARIANTS, method=method)


def of(kind: str, row: Row, **fixed) -> Row:
    """Row on one object of the world (meeting, director, snapshot …)."""
    getters = {
        "meeting": lambda w, v: {"pk": w.meeting.pk, **fixed},
        "director": lambda w, v: {"pk": w.me.pk},
        "snapshot": lambda w, v: {"year": 2025, "quarter": 2, "variant": v, **fixed},
        "registration": lambda w, v: {"pk": w.targets[v].registration.pk},
    }
    row.kwargs = getters[kind]
    return row


def meeting_case(expect) -> Row:
    return Row(
        kwargs=lambda w, v: {"pk": w.meeting.pk, "case_pk": w.targets[v].case.pk}, expect=expect, variants=CASE_VARIANTS
    )


MONITOR_ROLES = (PT, DIR, PTOR, PARTNER)
MONITOR_VARIANT = {
    PT: OK,
    DIR: {"gross": NO, "net": OK},
    PTOR: OK,
    PARTNER: {"gross": NO, "net": OK},
    IP: NO,
    FG: NO,
    ADMIN: NO,
}
INVITED = only(PT, PTOR)
ON_AGENDA = {OWN: NO, SUB: NO, OTHER: OK, REG: NO}

POLICY: dict[str, Row] = {
    "home": page(*ROLES),
    # ipgar: the privacy officer's log
    "ipgar:access_log": page(FG),
    "ipgar:access_log_csv": page(FG),
    "ipgar:role_change_log": page(FG),
    "ipgar:access_log_person": page(FG),
    "ipgar:access_log_signals": page(FG),
    "ipgar:access_log_review": post(FG),
    "ipgar:retention": page(FG),
    "ipgar:retention_log": page(FG),
    "ipgar:legal_hold_lift": post(FG),
    # cases
    # Directors get the list filtered to their own and substituted cases (checked for leaks).
    "cases:list": page(PT, DIR),
    "cases:list_csv": page(PT, DIR),
    "cases:caseload": page(DIR),
    "cases:new": page(PT),
    "cases:detail": case(),
    "cases:history": case(),
    "cases:identity": case(),
    "cases:information_picture": case(),
    "cases:edit": case(CASE_MANAGE),
    # Status changes are the programme team's (PTO-R decisions are carried out from meetings).
    "cases:status": case(only(PT, status=DONE)),
    "cases:contact_new": case(CASE_MANAGE),
    "cases:intervention_new": case(CASE_MANAGE),
    "cases:intervention_edit": case(CASE_MANAGE, extra=lambda t: {"intervention_pk": t.intervention.pk}),
    "cases:score_new": case(CASE_MANAGE),
    "cases:zrm": case(CASE_MANAGE),
    "cases:plan_goal_new": case(CASE_MANAGE),
    "cases:plan_goal_edit": case(CASE_MANAGE, extra=lambda t: {"goal_pk": t.goal.pk}),
    "cases:link_new": case(CASE_MANAGE),
    "cases:escalate": case(CASE_MANAGE),
    # access
    "access:partner_list": page(IP),
    "access:partner_detail": case({**only(), IP: {OWN: NO, SUB: NO, OTHER: NO, REG: OK}}, key="case_id"),
    # An empty report is a form error (200) for the registered partner; 404 for everyone else.
    "access:partner_progress": case(
        {**only(), IP: {OWN: NO, SUB: NO, OTHER: NO, REG: OK}}, key="case_id", method="post"
    ),
    "access:registration_list": case({**only(PT), DIR: {OWN: OK, SUB: NO, OTHER: NO, REG: NO}}, key="case_id"),
    "access:registration_create": case({**only(PT), DIR: {OWN: OK, SUB: NO, OTHER: NO, REG: NO}}, key="case_id"),
    "access:registration_end": Row(
        kwargs=lambda w, v: {"pk": w.targets[v].registration.pk},
        expect={**only(PT, status=302), DIR: {OWN: 302, SUB: NO, OTHER: NO, REG: NO}},
        variants=CASE_VARIANTS,
        method="post",
    ),
    "access:subject_access": page(PT),
    "access:readers_lookup": page(PT, FG),
    "access:case_readers": case(only(PT, FG), key="case_id"),
    "access:explicit_grant_create": case(only(PT), key="case_id"),
    "access:explicit_grant_end": Row(
        kwargs=lambda w, v: {"pk": w.explicit_grant.pk}, expect=only(PT, status=302), method="post"
    ),
    # pool
    "pool:overview": page(PT),
    "pool:caseload_csv": page(PT),
    "pool:mine": page(DIR),
    "pool:directory": page(PT, DIR),
    "pool:director_new": page(PT),
    # The acting director's own page: sent on to "My capacity".
    "pool:director": of("director", Row(expect={**only(PT), DIR: 302})),
    "pool:director_edit": of("director", page(PT)),
    "pool:handover": of("director", page(PT)),
    "pool:absence_new": of("director", page(PT)),
    "pool:review_new": of("director", page(PT)),
    "pool:three_way_new": of("director", page(PT)),
    "pool:instruction_done": Row(
        kwargs=lambda w, v: {"pk": w.instruction.pk}, expect=only(PT, status=302), method="post"
    ),
    "pool:assign_list": page(PT),
    "pool:assign": case(only(PT), key="case_pk"),
    # meetings
    # Roles without meetings get an empty list/feed (no data shown); 404 is preferred, reported.
    "meetings:list": Row(expect=only(PT, DIR, PTOR, PARTNER)),
    "meetings:list_csv": Row(expect=only(PT, DIR, PTOR, PARTNER)),
    "meetings:create": page(PT),
    "meetings:calendar": Row(expect=only(PT, DIR, PTOR, PARTNER)),
    "meetings:bodies": page(PT),
    "meetings:body": Row(kwargs=lambda w, v: {"pk": w.meeting.body_id}, expect=only(PT)),
    "meetings:detail": of("meeting", Row(expect=INVITED)),
    "meetings:secretary": of("meeting", page(PT)),
    "meetings:item_add": of("meeting", page(PT)),
    "meetings:attendance": of("meeting", page(PT)),
    "meetings:entry_add": of("meeting", page(PT)),
    "meetings:decision_add": of("meeting", page(PT)),
    "meetings:action_add": of("meeting", page(PT)),
    "meetings:action_done": Row(
        kwargs=lambda w, v: {"pk": w.meeting.pk, "action_pk": w.action.pk}, expect=only(PT, status=302), method="post"
    ),
    "meetings:forward_add": of("meeting", page(PT)),
    "meetings:circulate": of("meeting", post(PT)),
    "meetings:adopt": of("meeting", post(PT)),
    "meetings:amend": of("meeting", page(PT)),
    # Only the case on the agenda ('other') has a summary in this meeting.
    "meetings:case_summary": meeting_case({**only(), PT: ON_AGENDA, PTOR: ON_AGENDA}),
    "meetings:minutes_pdf": of("meeting", Row(expect=INVITED)),
    "meetings:minutes_docx": of("meeting", Row(expect=INVITED)),
    "meetings:woo": of("meeting", page(PT)),
    # Only an approved release downloads; the world has none, so 404 for everyone.
    "meetings:woo_pdf": of("meeting", Row(expect=only())),
    "meetings:woo_release_pdf": of("meeting", Row(expect=only()), version=1),
    "meetings:woo_release_xml": of("meeting", Row(expect=only()), version=1),
    # The coordinator's review of a prepared publication: none prepared in the world.
    "meetings:woo_review": of("meeting", Row(expect=only()), publication_pk=1),
    # monitor
    "monitor:index": page(*MONITOR_ROLES),
    "monitor:detail": of("snapshot", Row(expect=MONITOR_VARIANT, variants=("gross", "net"))),
    "monitor:version": of("snapshot", Row(expect=MONITOR_VARIANT, variants=("gross", "net")), version=1),
    "monitor:export_pdf": of("snapshot", Row(expect=MONITOR_VARIANT, variants=("gross", "net"))),
    "monitor:export_xlsx": of("snapshot", Row(expect=MONITOR_VARIANT, variants=("gross", "net"))),
}


# --- the tests -----------------------------------------------------------------------------------------


def project_url_names() -> set[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return {name for name in walk(get_resolver().url_patterns) if name.split(":", 1)[0] not in SKIPPED_NAMESPACES}


def test_every_url_of_the_project_is_in_the_policy():
    names = project_url_names()
    missing = sorted(names - set(POLICY) - PUBLIC)
    assert not missing, f"URL names without a row in tests/access/test_matrix.py POLICY: {missing}"
    stale = sorted(set(POLICY) - names)
    assert not stale, f"POLICY rows for URL names that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    # Built once for the module inside a transaction rolled back at the end; each test
    # runs in its own savepoint, so requests (and their log entries) never leak between tests.
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        built = build_world()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _expected(row: Row, role: str, variant: str) -> set:
    if role == NOROLE:
        return {OK} if row is POLICY["home"] else {NO}
    if role == MULTI:
        allowed = set().union(*(_expected(row, one, variant) for one in MULTI_ROLES)) - {NO}
        return allowed or {NO}
    if role in (FORMER, SUB_OUT):
        # Whatever a director may on pages of their own; on a case of the world, or on the
        # acting director's own pool page, nothing.
        if variant in CASE_VARIANTS or row is POLICY["pool:director"]:
            return {NO}
        return _expected(row, DIR, variant)
    value = row.expect[role]
    if isinstance(value, dict):
        value = value[variant]
    return value if isinstance(value, set) else {value}


# Rows whose GET shows a form: a POST (empty, so nothing valid is saved) must meet the same
# wall - 404 for whoever may not - and never a 403 or 500 for whoever may.
WRITE_ROWS = sorted(
    name
    for name in POLICY
    if POLICY[name].method == "get"
    and (name.endswith(("_new", "_edit", "_add", "_create")) or name in {"cases:new", "cases:edit", "cases:status",
         "cases:escalate", "pool:handover", "pool:assign", "meetings:create", "meetings:attendance", "meetings:amend",
         "meetings:secretary"})
)  # fmt: skip
POSTED = {200, 302, 400}


def _check(client, world, name, *, method: str) -> list[str]:
    row = POLICY[name]
    failures = []
    for variant in row.variants:
        url = reverse(name, kwargs=row.kwargs(world, variant))
        client.logout()
        response = getattr(client, method)(url, row.data)
        if response.status_code != 302 or "/accounts/login/" not in response.get("Location", ""):
            failures.append(f"anonymous {variant}: {response.status_code}, not a redirect to the login page")
        for role in PRINCIPALS:
            client.force_login(world.users[role])
            response = getattr(client, method)(url, row.data)
            expected = _expected(row, role, variant)
            if method != row.method and expected != {NO}:
                expected = POSTED
            if response.status_code not in expected:
                failures.append(f"{role} {variant} {method} {url}: {response.status_code}, expected {sorted(expected)}")
                continue
            if response.status_code in (200, 400) and not getattr(response, "streaming", False):
                body = response.content.decode(errors="replace")
                leaked = [value for value in forbidden_values(world, role) if value and value in body]
                if leaked:
                    failures.append(f"{role} {variant} {url}: shows {leaked}")
    return failures


@pytest.mark.parametrize("name", sorted(POLICY))
@pytest.mark.django_db
def test_matrix(client, world, name):
    failures = _check(client, world, name, method=POLICY[name].method)
    assert not failures, f"{name}:\n" + "\n".join(failures)


@pytest.mark.parametrize("name", WRITE_ROWS)
@pytest.mark.django_db
def test_matrix_post_on_write_rows(client, world, name):
    failures = _check(client, world, name, method="post")
    assert not failures, f"{name} (POST):\n" + "\n".join(failures)


def test_write_rows_cover_the_forms():
    assert len(WRITE_ROWS) == 29


# --- post-outflow partners (a penetration test's finding) ----------------------------------------


@pytest.mark.django_db
def test_matrix_a_partner_registered_before_outflow_is_like_one_never_registered(client, world):
    """The intervention partner's registered case is closed by a PTO-R decision: on every case URL
    the partner now gets what a partner on an unregistered case gets, and sees none of it."""
    from cases.models import OutflowReason
    from cases.services import case_apply_decision
    from meetings.models import Decision
    from tests.cases.factories import DecisionFactory

    target = world.targets[REG]
    closed = target.case
    closed.status = closed.Status.AFTERCARE
    closed.save()
    decision = DecisionFactory(case=closed, kind=Decision.Kind.CLOSE, outflow_reason=OutflowReason.objects.first())
    case_apply_decision(decision=decision, by=world.users[PT])
    partner = world.users[IP]
    client.force_login(partner)
    failures = []
    rows = {name: row for name, row in POLICY.items() if row.variants == CASE_VARIANTS}
    assert "access:partner_detail" in rows
    for name, row in sorted(rows.items()):
        url = reverse(name, kwargs=row.kwargs(world, REG))
        response = getattr(client, row.method)(url, row.data)
        expected = _expected(row, IP, OTHER)
        if response.status_code not in expected:
            failures.append(f"{url}: {response.status_code}, expected {sorted(expected)}")
        elif response.status_code == 200 and not getattr(response, "streaming", False):
            body = response.content.decode(errors="replace")
            if closed.identity.last_name in body or closed.code in body:
                failures.append(f"{url}: shows the closed case")
    listing = client.get(reverse("access:partner_list")).content.decode()
    if closed.code in listing:
        failures.append("the partner list still shows the closed case")
    assert not failures, "\n".join(failures)
