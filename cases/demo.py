"""Demo cases: 53 included cases 2019-2026 consistent with the pool memo (docs/domain.md source S4).

Before the handover of the police cases (pool.demo.seed_after_cases) the open caseloads are the
memo's "Casussen in regie" column: r-oov-1 8, r-oov-2 9, r-oov-3 5, r-amstelland 3, r-om 7,
r-rn 7, r-wpi 2, r-ggd 2, plus 7 on the two former police directors; 3 cases have flowed out
(2 police, 1 OOV). Every inclusion, static and outflow is a PTO-R decision carried out by
`case_apply_decision`. Deterministic (fixed seed, fixed dates up to 2026-11-01) and idempotent.
Names are obviously fictitious.
"""

import datetime as dt
import math
import random

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ipgar.models import Organisation, User

from . import services
from .models import (
    Area,
    Case,
    CaseTransition,
    Contact,
    Escalation,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomain,
    LifeDomainScore,
    NetworkLink,
    OutflowReason,
    PlanGoal,
    ReportSource,
    RiskCategory,
)

CONTACT_KINDS = (
    [Contact.Kind.FACE_TO_FACE] * 3
    + [Contact.Kind.PHONE] * 2
    + [
        Contact.Kind.PARTNER_CONSULTATION,
        Contact.Kind.ATTEMPT,
    ]
)
SEED = 20200526  # the memo's date
LAST_DATE = dt.date(2026, 11, 1)
POLICE_LEFT = dt.date(2020, 6, 30)

# Open cases per director before the handover (docs/domain.md source S4), and outflows (2 police, 1 OOV).
OPEN = {
    "r-oov-1": 8,
    "r-oov-2": 9,
    "r-oov-3": 5,
    "r-amstelland": 3,
    "r-om": 7,
    "r-rn": 7,
    "r-wpi": 2,
    "r-ggd": 2,
    "r-politie-1": 4,
    "r-politie-2": 3,
}
CLOSED = ["r-politie-1", "r-politie-2", "r-oov-1"]

# The intervention types of each home organisation ("own organisation" interventions).
OWN_TYPES = {
    "oov": ["persoonsgerichte-gesprekken", "mentor", "religieus-mentor", "familiebegeleiding"],
    "politie": ["stopgesprek"],
    "om": ["gebiedsverbod", "strafrechtelijk"],
    "rn": ["exit-begeleiding", "toezicht"],
    "ggd": ["ggz-behandeling", "ggd-screening"],
    "wpi": ["schulden", "werk-dagbesteding", "uitkering"],
    "amstelveen": ["persoonsgerichte-gesprekken", "familiebegeleiding"],
}
FIRST_NAMES = ["Jan", "Fatima", "Piet", "Sara", "Mo", "Lisa", "Ahmed", "Eva", "Tim", "Noor", "Bram", "Yara"]
LAST_NAMES = ["Voorbeeld", "Fictief", "Testman", "Proefpersoon", "Demodijk", "Verzonnen", "Nepnaam", "Steekproef"]
AMSTERDAM_AREAS = ["centrum", "nieuw-west", "noord", "oost", "west", "zuid", "zuidoost", "weesp"]
AMSTELLAND_AREAS = ["aalsmeer", "amstelveen", "diemen", "ouder-amstel", "uithoorn"]


def second_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    dates, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        dates.append(second_monday(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [d for d in dates if start <= d <= end]


def _fictitious_bsn(n: int) -> str:
    # 99xxxxxx numbers that pass the eleven-test: clearly not real people's numbers.
    number = 99_000_000 + n * 37
    while True:
        digits = f"{number:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return digits + str(check)
        number += 1


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class _Seeder:
    def __init__(self, stdout=None, *, pto_r_decision):
        self.rng = random.Random(SEED)
        self.stdout = stdout
        self.pt = User.objects.get(username="pt")
        self.pto_r_decision = pto_r_decision
        self.ref = {
            "source": list(ReportSource.objects.in_use()),
            "risk": list(RiskCategory.objects.in_use()),
            "ideology": list(Ideology.objects.in_use()),
            "domain": list(LifeDomain.objects.in_use()),
            "outflow": {r.code: r for r in OutflowReason.objects.all()},
            "area": {a.code: a for a in Area.objects.all()},
            "type": {t.code: t for t in InterventionType.objects.select_related("default_partner")},
            "org": {o.code: o for o in Organisation.objects.all()},
        }
        self.people = 0

    # --- building blocks ------------------------------------------------------------------

    def _stamp_last_transition(self, case: Case, day: dt.date) -> None:
        # Services stamp a transition "now"; the demo back-dates it to the day it happened.
        last = CaseTransition.objects.filter(case=case).order_by("-id").first()
        CaseTransition.objects.filter(pk=last.pk).update(at=_at(day))

    def decide(self, case: Case, *, on: dt.date, kind: str, text: str, director=None, outflow_reason=None) -> Case:
        # A PTO-R decision is the meetings app's to record (seed_demo passes its step in).
        self.pto_r_decision(
            case=case, on=on, kind=kind, text=text, director=director, outflow_reason=outflow_reason, by=self.pt
        )
        case = Case.objects.get(pk=case.pk)
        self._stamp_last_transition(case, on)
        return case

    def register(self, *, reported_on: dt.date, area_code: str) -> Case:
        self.people += 1
        n = self.people
        return services.case_register(
            by=self.pt,
            reported_on=reported_on,
            report_source=self.rng.choice(self.ref["source"]),
            area=self.ref["area"][area_code],
            report_summary=self.rng.choice(
                [
                    "Melding van zorgwekkende uitingen op sociale media (fictief).",
                    "School meldt plotselinge gedragsverandering en isolement (fictief).",
                    "Familie maakt zich zorgen over contacten met een extremistisch netwerk (fictief).",
                    "Politie signaleert interesse in uitreizen (fictief).",
                    "Partner meldt dreigende uitlatingen richting overheid (fictief).",
                ]
            ),
            risk_category=self.rng.choice(self.ref["risk"]),
            ideology=self.rng.choice(self.ref["ideology"]),
            identity={
                "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
                "last_name": f"{LAST_NAMES[n % len(LAST_NAMES)]}-{n}",
                "date_of_birth": dt.date(1985 + n % 23, 1 + n % 12, 1 + n % 27),
                "bsn": _fictitious_bsn(n),
                "address": f"Verzonnenstraat {n}",
                "postcode": f"10{n % 90 + 10:02d} ZZ",
                "city": "Amsterdam",
            },
        )

    def step(self, case: Case, service, *, on: dt.date, reason: str) -> Case:
        case = service(case=case, by=self.pt, reason=reason)
        self._stamp_last_transition(case, on)
        return case

    def prepare(self, case: Case, *, advised_on: dt.date | None) -> Case:
        """Assessment and (optionally) the IVG-R advice, dated between report and decision."""
        start = case.reported_on + dt.timedelta(days=1)
        case = self.step(case, services.case_start_assessment, on=start, reason="Duiding gestart")
        if advised_on is not None:
            case = self.step(case, services.case_advise, on=advised_on, reason="IVG-R adviseert over inclusie")
        return case

    # --- the director's work --------------------------------------------------------------

    def work(self, case: Case, *, user, own_org: str, last_contact: dt.date, healthy: bool, stale_interventions: bool):
        # The order of the steps is the order of the random draws: keep it, or the demo changes.
        self.contacts(case, user=user, last_contact=last_contact)
        self.interventions(case, user=user, own_org=own_org, stale=stale_interventions)
        self.scores(case, user=user, healthy=healthy)
        case.refresh_from_db()
        return services.information_picture_update(
            case=case,
            by=user,
            version=case.version,
            text="Informatiebeeld (fictief): achtergrond, netwerk en risicotaxatie besproken in het PTO-R.",
        )

    def contacts(self, case: Case, *, user, last_contact: dt.date) -> None:
        rng = self.rng
        start = case.included_on
        span = (last_contact - start).days
        count = max(2, min(12, span // 45 + 1))
        for i in range(count):
            day = start + dt.timedelta(days=round(span * i / max(1, count - 1)))
            services.contact_record(
                case=case,
                by=user,
                date=day,
                kind=rng.choice(
                    [
                        Contact.Kind.FACE_TO_FACE,
                        Contact.Kind.FACE_TO_FACE,
                        Contact.Kind.PHONE,
                        Contact.Kind.PARTNER_CONSULTATION,
                        Contact.Kind.ATTEMPT,
                    ]
                ),
                note=rng.choice(["Huisbezoek.", "Telefonisch contact.", "Overleg met partner.", "Gesprek op kantoor."]),
            )

    def interventions(self, case: Case, *, user, own_org: str, stale: bool) -> None:
        """Mostly from the director's own organisation (docs/domain.md source S3)."""
        rng = self.rng
        start = case.included_on
        partners = [code for code in OWN_TYPES if code not in (own_org, "amstelveen")]
        n_interventions = rng.randint(1, 4)
        for i in range(n_interventions):
            own = rng.random() < 0.7
            org = own_org if own else rng.choice(partners)
            type_ = self.ref["type"][rng.choice(OWN_TYPES[org])]
            if not own and type_.default_partner is not None:
                org = type_.default_partner.code
            begin = min(start + dt.timedelta(days=14 + 60 * i), LAST_DATE - dt.timedelta(days=20))
            finished = stale or (i < n_interventions - 1 and rng.random() < 0.7)
            end = None
            if finished:
                end = min(begin + dt.timedelta(days=rng.randint(30, 120)), LAST_DATE)
                if stale:
                    end = min(end, LAST_DATE - dt.timedelta(days=150))
                    begin = min(begin, end - dt.timedelta(days=30))
            services.intervention_record(
                case=case,
                by=user,
                type=type_,
                partner=self.ref["org"][org],
                goal=rng.choice(
                    [
                        "Zicht houden en vertrouwen opbouwen.",
                        "Stabiliseren van de thuissituatie.",
                        "Afhouden van het netwerk.",
                        "Werk of opleiding vinden.",
                    ]
                ),
                started_on=max(begin, start),
                ended_on=end,
                status=Intervention.Status.COMPLETED if finished else Intervention.Status.RUNNING,
                outcome="Afgerond volgens plan." if finished else "",
            )

    def scores(self, case: Case, *, user, healthy: bool) -> None:
        """Life-domain scores (ZRM): healthy cases score 4-5 everywhere (15-20% of cases)."""
        rng = self.rng
        domains = rng.sample(self.ref["domain"], 5)
        scored_on = min(case.included_on + dt.timedelta(days=21), LAST_DATE)
        for domain in domains:
            score = rng.randint(4, 5) if healthy else rng.choice([1, 2, 2, 3, 3, 4, 5])
            services.life_domain_score_record(
                case=case, by=user, domain=domain, score=score, scored_on=scored_on, note=""
            )
            if score <= 3:
                services.plan_goal_set(case=case, by=user, domain=domain, goal=f"Verbeteren van {domain.name.lower()}.")
        if not healthy:
            # Make sure a case meant to have problems has at least one.
            low = [d for d in domains if case.life_domain_scores.filter(domain=d, score__lte=3).exists()]
            if not low:
                services.life_domain_score_record(
                    case=case, by=user, domain=domains[0], score=2, scored_on=scored_on, note="Herbeoordeling"
                )
                services.plan_goal_set(case=case, by=user, domain=domains[0], goal="Stabiliseren.")

    # --- the whole set -------------------------------------------------------------------

    def directors(self) -> dict:
        # The pool's step made them (pool.demo); the director model is reached through the FK.
        director_model = Case._meta.get_field("director").related_model
        return {d.user.username: d for d in director_model.objects.select_related("user", "organisation")}

    def included_specs(self) -> list[dict]:
        """One spec per included case: director, inclusion meeting, lead time, fate."""
        rng = self.rng
        specs = []
        police_months = _months(dt.date(2019, 9, 1), dt.date(2020, 3, 31))
        later_months = _months(dt.date(2019, 9, 1), dt.date(2026, 9, 30))
        for username, count in OPEN.items():
            for _ in range(count):
                specs.append({"director": username, "closed": False})
        for username in CLOSED:
            specs.append({"director": username, "closed": True})
        for spec in specs:
            police = spec["director"].startswith("r-politie")
            months = police_months if police else later_months
            if spec["closed"]:
                months = _months(dt.date(2019, 9, 1), dt.date(2019, 12, 31))
            spec["included_on"] = rng.choice(months)
            # Reports from 2019 on (32 weeks before September 2019 is January 2019).
            # Lead time report → inclusion: 1-32 weeks around an 8-week average (docs/domain.md source S3).
            spec["lead_weeks"] = max(1, min(32, round(rng.lognormvariate(math.log(7), 0.6))))
            area_codes = AMSTELLAND_AREAS if spec["director"] == "r-amstelland" else AMSTERDAM_AREAS
            spec["area"] = rng.choice(area_codes)
        specs[0]["lead_weeks"], specs[1]["lead_weeks"] = 1, 32
        # Fates of the open non-police cases: static, detained, abroad, stale contact or interventions.
        open_specs = [s for s in specs if not s["closed"] and not s["director"].startswith("r-politie")]
        rng.shuffle(open_specs)
        fates = ["static"] * 5 + ["detained"] * 3 + ["abroad"] * 2 + ["no_contact"] * 5 + ["no_intervention"] * 3
        for spec, fate in zip(open_specs, fates, strict=False):
            spec["fate"] = fate
        for spec in specs:
            spec.setdefault("fate", "")
            spec["healthy"] = False
        healthy = [s for s in specs if not s["closed"]]
        for spec in rng.sample(healthy, 9):  # 9 of 50: 18 % without life-domain problems
            spec["healthy"] = True
        for spec in specs:
            spec["reported_on"] = spec["included_on"] - dt.timedelta(weeks=spec["lead_weeks"])
        return specs

    def run(self):
        directors = self.directors()
        specs = self.included_specs()
        # Register in report order so codes run chronologically per year.
        specs.sort(key=lambda s: (s["reported_on"], s["director"]))
        outflow_reasons = ["risk-reduced", "long-detention", "moved"]
        for spec in specs:
            director = directors[spec["director"]]
            case = self.include(spec, director=director)
            police = spec["director"].startswith("r-politie")
            case = self.work(
                case,
                user=director.user,
                own_org=director.organisation.code,
                last_contact=min(self.last_contact(spec), LAST_DATE),
                healthy=spec["healthy"],
                stale_interventions=spec["fate"] == "no_intervention" or police,
            )
            if spec["closed"]:
                self.close(case, reason=self.ref["outflow"][outflow_reasons.pop(0)])
            else:
                self.follow_fate(case, spec=spec, user=director.user)
        self.pending_reports()
        self.links()

    def include(self, spec: dict, *, director) -> Case:
        """Register, assess, advise and include the case by a PTO-R decision."""
        case = self.register(reported_on=spec["reported_on"], area_code=spec["area"])
        inclusion = spec["included_on"]
        advised_on = max(inclusion - dt.timedelta(days=5), case.reported_on + dt.timedelta(days=2))
        case = self.prepare(case, advised_on=advised_on)
        name = director.user.get_full_name()
        return self.decide(
            case,
            on=inclusion,
            kind="inclusion",
            director=director,
            text=f"De casus {case.code} wordt in regie genomen; regisseur {name}.",
        )

    def last_contact(self, spec: dict) -> dt.date:
        fate = spec["fate"]
        if spec["closed"]:
            last_contact = dt.date(2020, 4, 20)
        elif spec["director"].startswith("r-politie"):
            last_contact = dt.date(2020, 6, 2) - dt.timedelta(days=self.rng.randint(0, 20))
        elif fate in ("static", "detained", "abroad", "no_contact"):
            last_contact = LAST_DATE - dt.timedelta(days=self.rng.randint(100, 200))
        else:
            last_contact = LAST_DATE - dt.timedelta(days=self.rng.randint(0, 14))
        return max(last_contact, spec["included_on"] + dt.timedelta(days=7))

    def close(self, case: Case, *, reason) -> None:
        """Outflow by PTO-R decision: at once for long detention, otherwise after aftercare."""
        if reason.code == "long-detention":
            self.decide(
                case,
                on=dt.date(2020, 5, 11),
                kind="close",
                outflow_reason=reason,
                text=f"De casus {case.code} stroomt uit wegens langdurige detentie.",
            )
            return
        case = self.decide(
            case,
            on=dt.date(2020, 5, 11),
            kind="outflow",
            text=f"De casus {case.code} gaat naar nazorg in het stadsdeel.",
        )
        self.decide(
            case,
            on=dt.date(2020, 6, 8),
            kind="close",
            outflow_reason=reason,
            text=f"De nazorg van {case.code} is afgerond; de casus stroomt uit.",
        )

    def follow_fate(self, case: Case, *, spec: dict, user) -> None:
        """An open case's fate: static by PTO-R decision, detained or abroad, or stuck."""
        fate = spec["fate"]
        if fate == "static":
            self.make_static(case, user=user, inclusion=spec["included_on"])
        elif fate in ("detained", "abroad"):
            case.refresh_from_db()
            services.case_update(
                case=case,
                by=user,
                version=case.version,
                reason="Gedetineerd" if fate == "detained" else "Uitgereisd",
                **{"is_detained" if fate == "detained" else "is_abroad": True},
            )
        elif fate == "no_intervention" and self.rng.random() < 0.7:
            services.case_escalate(
                case=case,
                by=user,
                body=Escalation.Body.ITAT_R,
                request=Escalation.Request.ADVICE,
                question="De casus zit vast: welke interventie is nog mogelijk?",
                on=LAST_DATE - dt.timedelta(days=20),
            )

    def make_static(self, case: Case, *, user, inclusion: dt.date) -> None:
        on = second_monday(2026, self.rng.choice([3, 4, 5, 6]))
        on = max(on, second_monday(inclusion.year + (inclusion.month // 12), inclusion.month % 12 + 1))
        if on <= LAST_DATE:
            services.case_escalate(
                case=case,
                by=user,
                body=Escalation.Body.PTO_R,
                request=Escalation.Request.STATIC,
                question="Geen handelingsperspectief en geen veiligheidsrisico: verzoek status statisch.",
                on=on - dt.timedelta(days=14),
            )
            self.decide(
                case,
                on=on,
                kind="static",
                text=f"De casus {case.code} wordt statisch: geen handelingsperspectief, geen risico.",
            )

    def pending_reports(self):
        """Reports not (yet) included: assessment, advised, not included, preventive talk."""
        plan = [
            (dt.date(2026, 10, 26), "reported", None),
            (dt.date(2026, 10, 30), "reported", None),
            (dt.date(2026, 6, 15), "assessment", None),
            (dt.date(2026, 7, 20), "assessment", None),
            (dt.date(2026, 8, 31), "assessment", None),
            (dt.date(2026, 10, 5), "assessment", None),
            (dt.date(2026, 10, 19), "assessment", None),
            (dt.date(2026, 8, 10), "advised", None),
            (dt.date(2026, 9, 14), "advised", None),
            (dt.date(2024, 1, 15), "not_included", dt.date(2024, 3, 11)),
            (dt.date(2025, 3, 3), "not_included", dt.date(2025, 5, 12)),
            (dt.date(2025, 12, 1), "not_included", dt.date(2026, 2, 9)),
            (dt.date(2025, 8, 4), "preventive_talk", None),
            (dt.date(2026, 3, 2), "preventive_talk", None),
        ]
        for reported_on, outcome, decided_on in sorted(plan):
            case = self.register(reported_on=reported_on, area_code=self.rng.choice(AMSTERDAM_AREAS + AMSTELLAND_AREAS))
            if outcome == "reported":
                continue
            if outcome == "preventive_talk":
                case = self.prepare(case, advised_on=None)
                self.step(
                    case,
                    services.case_preventive_talk,
                    on=reported_on + dt.timedelta(weeks=4),
                    reason="Preventief gesprek in plaats van inclusie",
                )
                continue
            advised_on = None
            if outcome in ("advised", "not_included"):
                advised_on = (decided_on or reported_on + dt.timedelta(weeks=6)) - dt.timedelta(days=7)
            case = self.prepare(case, advised_on=advised_on)
            if outcome == "not_included":
                self.decide(
                    case,
                    on=decided_on,
                    kind="not_included",
                    text=f"De casus {case.code} wordt niet in de aanpak opgenomen; signaal terug naar de melder.",
                )

    def links(self):
        """A few network links between cases of the same director (same network, key location)."""
        active = list(Case.objects.filter(status=Case.Status.ACTIVE).select_related("director__user").order_by("code"))
        by_director = {}
        for case in active:
            by_director.setdefault(case.director_id, []).append(case)
        made = 0
        for cases in by_director.values():
            if len(cases) >= 2 and made < 4:
                kind = NetworkLink.Kind.SAME_NETWORK if made % 2 == 0 else NetworkLink.Kind.KEY_LOCATION
                services.network_link_add(
                    case=cases[0], other=cases[1], kind=kind, by=self.pt, note="Gezien in hetzelfde netwerk (fictief)."
                )
                made += 1


def seed(*, pto_r_decision, stdout=None) -> None:
    """Create the demo cases once; a second run changes nothing.

    `pto_r_decision(*, case, on, kind, text, director, outflow_reason, by)` records a PTO-R
    decision that carries the case's transition: the meetings app's services, passed in by
    seed_demo (cases never imports meetings).
    """
    if Case.objects.exists():
        return
    _Seeder(stdout=stdout, pto_r_decision=pto_r_decision).run()
    if stdout is not None:
        stdout.write(f"cases: {Case.objects.count()} cases")


def date_plan_goals(*, stdout=None) -> int:
    """Date each demo plan goal on the day its domain was first scored, not on the day the demo ran.

    `cases.services.plan_goal_set` stamps a goal with today's date, so the demo history (dated
    2019-2026) had every goal "set" on the day `seed_demo` ran, after every quarter the monitor
    shows, and registration completeness read 0.0 % everywhere. The goals were set
    with the scores in the demo story; this puts them back on that day. Demo data only.
    """
    first_score = (
        LifeDomainScore.objects.filter(case=OuterRef("case"), domain=OuterRef("domain"))
        .order_by("scored_on")
        .values("scored_on")[:1]
    )
    return PlanGoal.objects.filter(created_on__gt=Subquery(first_score)).update(created_on=Subquery(first_score))
