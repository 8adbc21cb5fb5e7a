"""Emptying free text for retention: the one helper each app's retention uses.

Every app that holds free text about a case's person has a `retention.py` with
`retention_empty_case(*, case) -> dict[str, int]`, registered with `cases.hooks.on_case_emptied`
in its AppConfig.ready(); `cases.retention` calls them all inside its per-case transaction.
Free text goes from the rows *and* from their simple-history copies (docs/decisions.md D5):
a history row keeps every earlier version of the text.
"""

from django.db.models import Model, Q


def _holds_text(fields: tuple[str, ...]) -> Q:
    held = Q()
    for field in fields:
        held |= ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})
    return held


def empty_text(model: type[Model], where: Q, fields: tuple[str, ...], *, replacement: dict | None = None) -> dict:
    """Empty `fields` on the rows of `model` matching `where`, and on their history rows.

    Returns {"<model>": values removed, "<model>_history": values removed in history}, only
    for what held something. `replacement` sets a field to a neutral value instead of "".
    """
    values = dict.fromkeys(fields, "") | (replacement or {})
    label = model._meta.model_name
    removed: dict[str, int] = {}
    rows = model.objects.filter(where)
    ids = list(rows.values_list("pk", flat=True))
    count = _count_values(rows, fields)
    if count:
        rows.filter(_holds_text(fields)).update(**values)
        removed[label] = count
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None:
        # History rows of live rows by id, and those of deleted rows by the same lookup.
        old = history.objects.filter(Q(id__in=ids) | where)
        count = _count_values(old, fields)
        if count:
            old.filter(_holds_text(fields)).update(**values)
            removed[f"{label}_history"] = count
    return removed


def _count_values(rows, fields: tuple[str, ...]) -> int:
    total = 0
    for row in rows.filter(_holds_text(fields)).values_list(*fields):
        total += sum(1 for value in row if value not in ("", None))
    return total


# --- mentions of the person anywhere ------------------------------------------------
#
# A case's own records are emptied above, record by record. Free text elsewhere can still name
# the person: a caseload review's summary, minutes under a general agenda item, adoption
# changes, three-way conversation notes, an absence note, the directory's remarks. Those rows
# are not tied to the case, so they are found by what they say: `mention_pattern` builds one
# PostgreSQL regular expression from the person's identifying details, and `remove_mentions`
# runs one `UPDATE ... SET col = regexp_replace(...) WHERE col ~* pattern` per free-text column
# of every model in the app registry (a new model is covered without code), history tables
# included. The matched words become MARKER; the rest of the text stays.

MARKER = "[verwijderd]"

# Whole words only: the term may not touch a letter, digit or underscore on either side.
_BEFORE = r"(?<![[:alnum:]_])"
_AFTER = r"(?![[:alnum:]_])"

# Surnames that are ordinary Dutch words or so common that, alone, they would hit other people
# (Bakker is a baker, de Vries is everyone's neighbour). Compared without prefixes, lower case.
COMMON_SURNAMES = frozenset(
    """
    aarts baas bakker bakkers beek beer berg bergen berger bloem boer boers boom bos bosch
    bosman bouw bouwman brand brink brouwer brug bruijn bruin bruyn dam dekker dekkers dijk
    dijkman dijkstra dirks goed graaf groen groot haan hendriks herfst hermans hoek hoekstra
    hofman horst huisman jacobs jager jansen janssen jong jonge kamp kerk kind klein kok
    koning kort koster kramer kuijpers kuiper kuipers laan lange leeuw lente linden maas man
    meer meijer mens meyer mol molen molenaar mulder niet noord oost peters poel post prins
    put rijn ruiter schaap schilder schipper schouten schuur slager smeets smit smits stam
    steen stok storm timmerman tuin veen verhoeven vermeulen visscher visser vos vries vrouw
    wal water west wever willems winter wit wolf zomer zuid zwart
    """.split()  # noqa: SIM905 a word list reads better as text
)
# Prefixes (tussenvoegsels) ignored when judging whether a surname is a common word.
PREFIXES = frozenset("van de der den het ter ten te in 't op la le du da di von zu el al".split())  # noqa: SIM905
MIN_SURNAME_LENGTH = 4

DUTCH_MONTHS = (
    ("januari", "jan"),
    ("februari", "feb", "febr"),
    ("maart", "mrt", "mar"),
    ("april", "apr"),
    ("mei",),
    ("juni", "jun"),
    ("juli", "jul"),
    ("augustus", "aug"),
    ("september", "sep", "sept"),
    ("oktober", "okt", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# Not free text: secrets, sessions and the framework's own reference rows.
SKIPPED_MODELS = frozenset(
    {"sessions.session", "contenttypes.contenttype", "auth.permission", "otp_totp.totpdevice", "otp_static.statictoken"}
)
SKIPPED_FIELDS = frozenset({"password"})


def _literal(text: str) -> str:
    """`text` as a PostgreSQL regular expression: specials escaped, any run of spaces as \\s+."""
    out = []
    for word in text.split():
        out.append("".join("\\" + ch if ch in "\\^$.|?*+()[]{}" else ch for ch in word))
    return r"\s+".join(out)


def surname_core(last_name: str) -> str:
    """'van der Berg' -> 'berg': the surname without prefixes, lower case."""
    words = [w for w in last_name.lower().split() if w not in PREFIXES]
    return " ".join(words)


def surname_alone_is_distinctive(last_name: str, *, carried_by_others: bool) -> bool:
    """Whether the surname, without the first name, may be removed wherever it stands.

    Only when it is at least MIN_SURNAME_LENGTH letters without prefixes, not a common word
    or very common surname (COMMON_SURNAMES), and no other person the system knows (another
    case's subject not yet emptied, a user) carries it: otherwise their texts would lose it.
    """
    core = surname_core(last_name)
    if len(core.replace(" ", "")) < MIN_SURNAME_LENGTH:
        return False
    if any(part in COMMON_SURNAMES for part in core.replace("-", " ").split()):
        return False
    return not carried_by_others


def _date_terms(day) -> list[str]:
    d, m, y = day.day, day.month, day.year
    dd = f"0?{d}" if d < 10 else str(d)
    mm = f"0?{m}" if m < 10 else str(m)
    years = f"(?:{y}|{y % 100:02d})"
    sep = r"\s*[-/.]\s*"
    names = [*DUTCH_MONTHS[m - 1], ENGLISH_MONTHS[m - 1], ENGLISH_MONTHS[m - 1][:3]]
    months = "|".join(sorted({_literal(n) for n in names}, key=len, reverse=True))
    return [
        f"{dd}{sep}{mm}{sep}{years}",  # 12-03-1990, 12/3/90, 12.03.1990
        f"{y}{sep}{m:02d}{sep}{d:02d}",  # 1990-03-12
        rf"{dd}(?:e|ste|de)?\s+(?:{months})\.?,?\s+{y}",  # 12 maart 1990, 12 mrt. 1990, 12 March 1990
        rf"(?:{months})\.?\s+{dd}(?:st|nd|rd|th)?,?\s+{y}",  # March 12, 1990
    ]


def person_terms(identity: dict, *, surname_alone: bool) -> list[str]:
    """Regular-expression alternatives for one version of a person's identity.

    `identity` has first_name, last_name, date_of_birth, bsn, address, postcode (any may be
    empty). Full name (either order), the surname alone only when `surname_alone`, the BSN
    (also written 1234.56.782 or 123 456 782), the date of birth in the usual written forms,
    the address only with its house number (a bare street name would hit every neighbour's
    text) and the postcode. Never the first name alone, never the city.
    """
    terms = []
    first = (identity.get("first_name") or "").strip()
    last = (identity.get("last_name") or "").strip()
    # A name may carry the possessive or plural s ("Geheimhouders broer", "Jan's fiets").
    possessive = "(?:'?s)?"
    if first and last:
        terms += [
            f"{_literal(first)}\\s+{_literal(last)}{possessive}",
            f"{_literal(last)}\\s*,\\s*{_literal(first)}",
        ]
    if last and surname_alone:
        terms.append(_literal(last) + possessive)
    bsn = "".join(ch for ch in (identity.get("bsn") or "") if ch.isdigit())
    if len(bsn) == 9:  # 123456782, 123.456.782, 123 456 782, 1234.56.782
        terms += [f"{bsn[:3]}[ .-]?{bsn[3:6]}[ .-]?{bsn[6:]}", f"{bsn[:4]}[ .-]?{bsn[4:6]}[ .-]?{bsn[6:]}"]
    if identity.get("date_of_birth"):
        terms += _date_terms(identity["date_of_birth"])
    address = (identity.get("address") or "").strip()
    if address and any(ch.isdigit() for ch in address) and len(address) >= 5:
        terms.append(_literal(address))
    postcode = (identity.get("postcode") or "").replace(" ", "").upper()
    if len(postcode) == 6 and postcode[:4].isdigit() and postcode[4:].isalpha():
        terms.append(f"{postcode[:4]}\\s?{postcode[4:]}")
    return terms


def person_anchors(identity: dict) -> list[str]:
    """Plain strings at least one of which every match of `person_terms` contains.

    The last name is an anchor whether or not the surname alone is a term: every name term
    contains it, so the anchors are the same either way.

    A cheap first test (`col ~* 'geheimhouder|123|90|...'`) before the full pattern: on a
    million contact notes it takes the scan from 1.7 s to 0.5 s (PostgreSQL's regex engine
    is slow on the lookarounds and the many alternatives, fast on a few plain strings).
    """
    anchors = []
    last = (identity.get("last_name") or "").strip()
    if last:
        anchors.append(_literal(last))
    bsn = "".join(ch for ch in (identity.get("bsn") or "") if ch.isdigit())
    if len(bsn) == 9:
        anchors.append(bsn[:3])
    if identity.get("date_of_birth"):
        anchors.append(f"{identity['date_of_birth'].year % 100:02d}")
    address = (identity.get("address") or "").strip()
    if address and any(ch.isdigit() for ch in address) and len(address) >= 5:
        anchors.append(_literal(address))
    postcode = (identity.get("postcode") or "").replace(" ", "")
    if len(postcode) == 6 and postcode[:4].isdigit():
        anchors.append(postcode[:4])
    return anchors


def mention_pattern(terms) -> str:
    """One case-insensitive pattern for all `terms`, whole words, longest alternative first."""
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    return f"{_BEFORE}(?:{'|'.join(unique)}){_AFTER}"


def anchor_pattern(anchors) -> str:
    return "|".join(sorted(set(anchors)))


def _guarded_tables(cursor) -> set[str]:
    """Tables with a trigger of our own on UPDATE (pgtrigger's Protect on Woo releases, say).

    Such a trigger refuses the change, and one refusal would roll back the whole case.
    """
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND t.tgtype & 16 <> 0 AND n.nspname = current_schema()"
    )
    return {row[0] for row in cursor.fetchall()}


def free_text_columns(*, exclude=()):
    """(model, field) for every free-text column of every model in the app registry.

    CharField and TextField (and their subclasses), history models included; not primary
    keys, unique codes or fields of a unique key, fields with choices, passwords, SKIPPED_MODELS,
    tables the database guards against UPDATE (the append-only logs, released Woo versions:
    the trigger would refuse and roll the case back; see docs/retention.md for what they hold)
    or the models in `exclude`.
    """
    from django.apps import apps
    from django.db import connection, models

    from . import append_only

    with connection.cursor() as cursor:
        protected = set(append_only.protected_tables(cursor)) | _guarded_tables(cursor)
    excluded = {m._meta.label_lower for m in exclude}
    columns = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in protected:
            continue
        if meta.label_lower in SKIPPED_MODELS or meta.label_lower in excluded:
            continue
        # Part of a unique key: a name, not free text, and two rows emptied alike would collide.
        keyed = {name for together in meta.unique_together for name in together}
        keyed |= {name for c in meta.constraints if isinstance(c, models.UniqueConstraint) for name in (c.fields or ())}
        for field in meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.primary_key or field.unique or field.choices or field.name in SKIPPED_FIELDS | keyed:
                continue
            columns.append((model, field))
    return columns


def remove_mentions(pattern: str, *, anchors: str = "", exclude=()) -> dict[str, int]:
    """Replace whatever matches `pattern` by MARKER in every free-text column; rows per column.

    One UPDATE per column (the database scans, Python never sees the text). Returns
    {"mentions:<app>.<model>.<field>": rows changed}, only for columns where something went.
    A model with an optimistic-locking `version` gets it raised, so a form opened before
    cannot write the old text back.
    """
    from django.db import connection

    qn = connection.ops.quote_name
    removed: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model, field in free_text_columns(exclude=exclude):
            column = qn(field.column)
            bump = ""
            names = {f.name for f in model._meta.concrete_fields}
            if "version" in names and "history_id" not in names:
                version = qn(model._meta.get_field("version").column)
                bump = f", {version} = {version} + 1"
            # Table and column names come from the model registry, quoted; the pattern is a parameter.
            table = qn(model._meta.db_table)
            where, params = f"{column} ~* %s", [pattern]
            if anchors:  # the cheap test first (person_anchors)
                where, params = f"{column} ~* %s AND {where}", [anchors, pattern]
            sql = f"UPDATE {table} SET {column} = regexp_replace({column}, %s, %s, 'gi'){bump} WHERE {where}"  # noqa: S608
            cursor.execute(sql, [pattern, MARKER, *params])
            if cursor.rowcount:
                removed[f"mentions:{model._meta.label_lower}.{field.name}"] = cursor.rowcount
    return removed


def retention_log_append(*, case_id: int, case_code: str, closed_on, rule: str, due_on, removed: dict) -> Model:
    """Append one entry to the retention log (ipgar's model; append-only in the database)."""
    from .models import RetentionLogEntry

    return RetentionLogEntry.objects.create(
        case_id=case_id, case_code=case_code, closed_on=closed_on, rule=rule, due_on=due_on, removed=removed
    )
