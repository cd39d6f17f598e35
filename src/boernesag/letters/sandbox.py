"""The small template language of letter texts, and its checks.

A letter text is plain text in which the administrator may use the variables of the letter
kind (``{{ notifier_name }}``), a few harmless filters (``|upper``), ``{% if %}`` and
``{% comment %}``. Nothing else: no ``{% load %}``, ``{% include %}``, ``{% extends %}``,
``{% url %}``, ``{% debug %}`` or any other tag that can reach templates, settings or the
system, and no attribute look-ups. The text is rendered as plain text (what a user typed is
inserted as it is) and escaped once, when the letter's HTML is made (``letters.pdf``).

The checks run on the token stream (tags are refused by name before Django parses them) and on
the parsed template (variables and filters, also inside ``{% if %}`` conditions), in an engine
of its own that has no template loaders and no tag libraries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError, defaultfilters
from django.template.base import DebugLexer, FilterExpression, TokenType, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boernesag.letters.models import LetterKind

BODY_MAX_CHARS = 10_000
RENDERED_MAX_CHARS = 30_000

# The tags a letter text may use; everything else is refused by name.
ALLOWED_TAGS = frozenset({"if", "elif", "else", "endif", "comment", "endcomment"})
# filter function → the name a template uses for it (``linebreaks``, not ``linebreaks_filter``)
_FILTER_NAMES = {func: name for name, func in defaultfilters.register.filters.items()}
ALLOWED_FILTERS = {
    defaultfilters.upper,
    defaultfilters.lower,
    defaultfilters.capfirst,
    defaultfilters.title,
    defaultfilters.default,
}


@dataclass(frozen=True)
class LetterVariable:
    name: str
    description: str
    sample: str


_COMMON = (
    LetterVariable(
        "notifier_name", gettext_lazy("underretterens navn"), "Klasselærer Lise Ølstrup"
    ),
    LetterVariable("received_date", gettext_lazy("datoen underretningen kom"), "3.2.2026"),
    LetterVariable("children", gettext_lazy("børnenes fornavne, fx »Alma og Bo«"), "Alma og Bo"),
    LetterVariable(
        "case_references",
        gettext_lazy("sagsnumre, som underretteren kan henvise til"),
        "2026-0012, 2026-0013",
    ),
    LetterVariable(
        "caseworker", gettext_lazy("navnet på den medarbejder, der sender brevet"), "Anne Lund"
    ),
    LetterVariable("municipality", gettext_lazy("kommunens navn"), "Demo Kommune"),
)

_PLAN = (
    LetterVariable("recipient_name", gettext_lazy("modtagerens navn"), "Maria Jensen"),
    LetterVariable("child_name", gettext_lazy("barnets fornavn"), "Alma"),
    LetterVariable(
        "plan_title",
        gettext_lazy("»barnets plan«, »ungeplan« eller »handleplan«"),
        "barnets plan",
    ),
    LetterVariable(
        "plan_law", gettext_lazy("lovgrundlaget, fx »Barnets Lov §§ 91–92«"), "Barnets Lov §§ 91–92"
    ),
    LetterVariable("plan_version", gettext_lazy("planens versionsnummer"), "2"),
    LetterVariable("plan_date", gettext_lazy("datoen planen er udarbejdet/revideret"), "3.2.2026"),
    LetterVariable(
        "plan_content",
        gettext_lazy("planen: formål, mål og delmål, hvem gør hvad, forventet varighed"),
        "Formål: Alma kommer i skole hver dag.\n\nMål 1 (Skole og dagtilbud): Alma møder i "
        "skole mindst 9 ud af 10 dage.\n  Sådan ved vi det: skolens fraværsliste.\n  "
        "Hvornår: 1.6.2026",
    ),
    LetterVariable(
        "professional",
        gettext_lazy("»ja« når brevet går til en fagperson (med samtykke), ellers tom"),
        "",
    ),
    LetterVariable(
        "caseworker", gettext_lazy("navnet på den medarbejder, der sender brevet"), "Mette Hansen"
    ),
    LetterVariable("municipality", gettext_lazy("kommunens navn"), "Demo Kommune"),
)


def _v(name, description, sample):
    return LetterVariable(name, description, sample)


_SIGNATURE = (
    _v("caseworker", gettext_lazy("navnet på den medarbejder, der sender brevet"), "Anne Lund"),
    _v("municipality", gettext_lazy("kommunens navn"), "Demo Kommune"),
)
# The children's investigation (boernesag.assessments): the decision (Barnets Lov § 20), the
# request for a statement, the draft to the family and the finished investigation.
_ASSESSMENT = (
    _v("recipient_name", gettext_lazy("modtagerens navn"), "Maria Jensen"),
    _v("child_name", gettext_lazy("barnets fornavn"), "Alma"),
    *_SIGNATURE,
)
_ASSESSMENT_DECISION = (
    *_ASSESSMENT,
    _v("decision_date", gettext_lazy("datoen for afgørelsen"), "3.2.2026"),
    _v(
        "legal_basis",
        gettext_lazy("lovgrundlaget"),
        "Barnets Lov § 20, stk. 2: nødvendig af hensyn til barnets eller den unges støttebehov",
    ),
    _v("reasons", gettext_lazy("begrundelsen for afgørelsen"), "Skolen har underrettet om …"),
    _v("focus_areas", gettext_lazy("undersøgelsens fokusområder"), "Fravær i skolen"),
    _v("planned_end", gettext_lazy("den planlagte afslutning"), "1.6.2026"),
    _v("deadline", gettext_lazy("lovens frist (4 måneder)"), "27.5.2026"),
    _v(
        "consent_text",
        gettext_lazy("samtykke, eller at undersøgelsen gennemføres uden samtykke, og hvorfor"),
        "I har givet samtykke til, at vi indhenter oplysninger.",
    ),
    _v("appeal_guidance", gettext_lazy("klagevejledningen med datoer"), "Klagevejledning …"),
)
_STATEMENT_REQUEST = (
    *_ASSESSMENT,
    _v("source", gettext_lazy("hvad udtalelsen kommer fra, fx »skole«"), "skole"),
    _v("answer_by", gettext_lazy("svarfristen"), "1.3.2026"),
    _v("focus_areas", gettext_lazy("undersøgelsens fokusområder"), "Fravær i skolen"),
)
_ASSESSMENT_TEXT = (
    *_ASSESSMENT,
    _v("assessment_content", gettext_lazy("undersøgelsen: afsnit, aktiviteter og kilder"), "…"),
    _v("part", gettext_lazy("»del 1 af 2« når undersøgelsen fylder flere breve"), ""),
)
_ASSESSMENT_DRAFT = (
    *_ASSESSMENT_TEXT,
    _v("comments_by", gettext_lazy("dato for familiens bemærkninger"), "20.5.2026"),
)

VARIABLES: dict[str, tuple[LetterVariable, ...]] = {
    LetterKind.PLAN: _PLAN,
    LetterKind.ASSESSMENT_DECISION: _ASSESSMENT_DECISION,
    LetterKind.STATEMENT_REQUEST: _STATEMENT_REQUEST,
    LetterKind.ASSESSMENT_DRAFT: _ASSESSMENT_DRAFT,
    LetterKind.ASSESSMENT_REPORT: _ASSESSMENT_TEXT,
    LetterKind.RECEIPT: _COMMON,
    LetterKind.FEEDBACK: (
        *_COMMON,
        LetterVariable(
            "outcome_text",
            gettext_lazy("om underretningen førte til en undersøgelse eller en indsats"),
            "Underretningen har ført til, at kommunen har iværksat en børnefaglig undersøgelse.",
        ),
    ),
}

_PARTY = (
    LetterVariable("recipient_name", gettext_lazy("modtagerens navn"), "Mette Hansen"),
    LetterVariable("child_name", gettext_lazy("barnets fulde navn"), "Alma Hansen"),
    LetterVariable("case_reference", gettext_lazy("sagsnummer"), "2026-0012"),
    LetterVariable(
        "caseworker", gettext_lazy("navnet på den medarbejder, der sender brevet"), "Anne Lund"
    ),
    LetterVariable("municipality", gettext_lazy("kommunens navn"), "Demo Kommune"),
)
_DECISION_TEXT = LetterVariable(
    "decision_text",
    gettext_lazy("hvad der er (eller påtænkes) besluttet: indsats, leverandør, omfang, start"),
    "Kommunen bevilger Familiebehandling hos Familiecentret, 4 timer om ugen fra den "
    "1. marts 2026. Indsatsen forventes at vare 26 uger.",
)
_LEGAL_BASIS = LetterVariable(
    "legal_basis", gettext_lazy("lovgrundlaget"), "Barnets Lov § 32, stk. 1, nr. 3"
)

VARIABLES[LetterKind.HEARING] = (
    *_PARTY,
    _DECISION_TEXT,
    _LEGAL_BASIS,
    LetterVariable(
        "information",
        gettext_lazy("de oplysninger, parterne høres over"),
        "Skolens udtalelse af 3. februar 2026 om Almas fravær.",
    ),
    LetterVariable("answer_due", gettext_lazy("svarfristen"), "17. februar 2026"),
)
VARIABLES[LetterKind.DECISION] = (
    *_PARTY,
    _DECISION_TEXT,
    _LEGAL_BASIS,
    LetterVariable("decided_date", gettext_lazy("datoen afgørelsen blev truffet"), "3.2.2026"),
    LetterVariable("purpose", gettext_lazy("formålet med indsatsen"), "At styrke Almas trivsel"),
    LetterVariable(
        "reasons", gettext_lazy("begrundelsen"), "Undersøgelsen viser, at Alma har brug for …"
    ),
    LetterVariable(
        "appeal_guidance",
        gettext_lazy("klagevejledningen med fristens datoer (dannes af Børnesag)"),
        "Du kan klage over afgørelsen inden 4 uger efter, at du har modtaget den …",
    ),
)
VARIABLES[LetterKind.APPEAL_FORWARDED] = (
    *_PARTY,
    LetterVariable("received_date", gettext_lazy("datoen klagen kom"), "10.2.2026"),
    LetterVariable("decided_date", gettext_lazy("datoen afgørelsen blev truffet"), "3.2.2026"),
    LetterVariable("forwarded_date", gettext_lazy("datoen klagen blev sendt videre"), "3.3.2026"),
    LetterVariable(
        "reconsideration",
        gettext_lazy("kommunens genvurdering"),
        "Kommunen har genvurderet afgørelsen og fastholder den, fordi …",
    ),
)

# Measures (boernesag.measures): letters to the provider. Only what the family's consent to
# share with the provider allows (purpose, goals, contact persons); never an address.
_MEASURE = (
    _v("recipient_name", gettext_lazy("leverandørens navn"), "Familiecentret"),
    _v("child_name", gettext_lazy("barnets fulde navn"), "Alma Hansen"),
    _v("service", gettext_lazy("indsatsen"), "Familiebehandling i hjemmet"),
    *_SIGNATURE,
)
VARIABLES[LetterKind.MEASURE_START] = (
    *_MEASURE,
    _v("start_date", gettext_lazy("startdatoen"), "1.3.2026"),
    _v("volume", gettext_lazy("omfanget"), "4 timer pr. uge"),
    _v("expected_end", gettext_lazy("den forventede slutdato"), "30.8.2026"),
    _v("purpose", gettext_lazy("formålet (kun med samtykke)"), "At styrke familiens samspil"),
    _v("goals", gettext_lazy("målene i barnets plan (kun med samtykke)"), "1. Alma møder i skole"),
    _v("contacts", gettext_lazy("kontaktpersoner (kun med samtykke)"), "Anne Lund, rådgiver"),
    _v(
        "consent_note",
        gettext_lazy("hvad der ikke deles, fordi der ikke er samtykke"),
        "",
    ),
)
VARIABLES[LetterKind.REPORT_REQUEST] = (
    *_MEASURE,
    _v("meeting_date", gettext_lazy("statusmødets dato"), "15.4.2026"),
    _v("report_due", gettext_lazy("hvornår rapporten skal være der"), "8.4.2026"),
    _v("goals", gettext_lazy("målene i barnets plan (kun med samtykke)"), "1. Alma møder i skole"),
)
VARIABLES[LetterKind.MEASURE_END] = (
    *_MEASURE,
    _v("ended_date", gettext_lazy("ophørsdatoen"), "30.8.2026"),
    _v("end_reason", gettext_lazy("årsagen til ophøret"), "Målet er nået"),
    _v("contract", gettext_lazy("kontrakten med leverandøren"), "Rammeaftale 2026"),
)

# Variables a letter kind cannot do without: the text must use them outside any
# {% if %}. A decision letter without its legal basis, reasons and appeal guidance may not
# be sent (forvaltningsloven §§ 22–25; Retssikkerhedsloven § 67).
REQUIRED: dict[str, tuple[str, ...]] = {
    LetterKind.DECISION: ("decision_text", "legal_basis", "reasons", "appeal_guidance"),
    LetterKind.HEARING: ("information", "answer_due"),
}


# An engine of our own: no loaders (nothing to include or extend), no tag libraries (nothing
# to load), debug on for line numbers in error messages, no autoescaping (plain text).
_ENGINE = Engine(debug=True, loaders=[], libraries={}, autoescape=False)


def variable_names(kind: str) -> list[str]:
    return [v.name for v in VARIABLES[kind]]


def sample_context(kind: str) -> dict[str, str]:
    return {v.name: v.sample for v in VARIABLES[kind]}


def _line(token) -> str:
    return _("linje %(n)s") % {"n": token.lineno}


def _condition_expressions(condition):
    """Every FilterExpression in an ``{% if %}`` condition tree."""
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for part in ("first", "second"):
        sub = getattr(condition, part, None)
        if sub is not None:
            yield from _condition_expressions(sub)


def _expression_errors(expression: FilterExpression, allowed: set[str], where: str) -> list[str]:
    errors = []
    candidates = [expression.var] + [
        arg for _func, args in expression.filters for _lookup, arg in args
    ]
    for var in candidates:
        if not isinstance(var, Variable) or var.literal is not None:
            continue  # a quoted text or a number: harmless
        name = var.var
        if var.lookups is None or len(var.lookups) != 1 or name not in allowed:
            errors.append(
                _("Ukendt variabel »%(name)s« (%(where)s). Brug kun: %(allowed)s.")
                % {"name": name, "where": where, "allowed": ", ".join(sorted(allowed))}
            )
    for func, _args in expression.filters:
        if func not in ALLOWED_FILTERS:
            errors.append(
                _("Filteret »%(name)s« er ikke tilladt (%(where)s). Tilladt: %(allowed)s.")
                % {
                    "name": _FILTER_NAMES.get(func, func.__name__),
                    "where": where,
                    "allowed": "upper, lower, capfirst, title, default",
                }
            )
    return errors


def body_compile(kind: str, body: str) -> Template:
    """Check a letter text and return it compiled. Raises ValidationError (Danish messages,
    with line numbers) for a syntax error, a tag that is not allowed, an unknown variable or
    a filter that is not allowed."""
    if len(body) > BODY_MAX_CHARS:
        raise ValidationError(
            _("Brødteksten må højst være %(n)s tegn.")
            % {"n": f"{BODY_MAX_CHARS:,}".replace(",", ".")}
        )
    errors = []
    for token in DebugLexer(body).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if name not in ALLOWED_TAGS:
                errors.append(
                    _(
                        "Mærket {%% %(name)s %%} er ikke tilladt i brevskabeloner (%(where)s). "
                        "Tilladt: {%% if %%} … {%% endif %%} og {%% comment %%}."
                    )
                    % {"name": name, "where": _line(token)}
                )
    if errors:
        raise ValidationError(errors)
    try:
        template = Template(body, engine=_ENGINE)
    except TemplateSyntaxError as exc:
        line = getattr(exc, "template_debug", {}).get("line")
        where = _(" (linje %(n)s)") % {"n": line} if line else ""
        raise ValidationError(
            _(
                "Skabelonen kan ikke læses%(where)s. Tjek at hvert {%% if %%} har sit "
                "{%% endif %%}, og at {{ … }} og {%% … %%} er skrevet rigtigt. "
                "Teknisk besked: %(error)s"
            )
            % {"where": where, "error": exc}
        ) from None
    allowed = set(variable_names(kind))
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        errors += _expression_errors(node.filter_expression, allowed, _line(node.token))
    for node in template.nodelist.get_nodes_by_type(IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            for expression in _condition_expressions(condition):
                errors += _expression_errors(expression, allowed, _line(node.token))
    top_level = {
        node.filter_expression.var.var
        for node in template.nodelist
        if isinstance(node, VariableNode) and isinstance(node.filter_expression.var, Variable)
    }
    for name in REQUIRED.get(kind, ()):
        if name not in top_level:
            errors.append(
                _("Brevet skal altid indeholde {{ %(name)s }} (%(what)s) – uden for {%% if %%}.")
                % {
                    "name": name,
                    "what": next(v.description for v in VARIABLES[kind] if v.name == name),
                }
            )
    if errors:
        raise ValidationError(errors)
    return template


def subject_check(subject: str) -> None:
    """The subject is plain text without variables: it becomes the document's title on the
    case, which everyone with access to the case sees (the notifier's name must not)."""
    if "{{" in subject or "{%" in subject or "{#" in subject:
        raise ValidationError(
            _("Overskriften kan ikke indeholde variabler eller mærker – skriv dem i brødteksten.")
        )
    if not subject.strip():
        raise ValidationError(_("Skriv en overskrift."))


def body_render(kind: str, body: str, context: dict) -> str:
    """The letter text with the variables filled in, as plain text (a ``str``, never marked
    safe: the HTML of the letter escapes it)."""
    template = body_compile(kind, body)
    allowed = set(variable_names(kind))
    values = {name: str(value) for name, value in context.items() if name in allowed}
    rendered = template.render(Context(values, autoescape=False))
    text = str.__str__(rendered)  # drop the SafeString mark: this is text, not markup
    if len(text) > RENDERED_MAX_CHARS:
        raise ValidationError(_("Brevet bliver for langt."))
    return text
