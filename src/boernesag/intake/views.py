from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boernesag.cases import gate
from boernesag.intake import selectors, services
from boernesag.intake.access import intake_children_visible_to
from boernesag.intake.forms import (
    CHILD_SLOTS,
    IdentifyForm,
    RegisterForm,
    TriageForm,
    UnresolvedForm,
)
from boernesag.intake.models import IntakeChild, IntakeItem
from boernesag.letters import selectors as letter_selectors
from boernesag.letters.models import SendChannel
from boernesag.letters.services import letter_mark_sent, letter_retry
from boernesag.lib.forms import form_add_validation_error
from boernesag.persons.services import AgeNeedsConfirmation


@gate.permission_required("intake.view_queue")
def queue(request):
    rows = list(selectors.queue()[:300])
    recent = list(selectors.recently_triaged()[:50])
    gate.list_logged(request, [*rows, *recent], what="intake_queue")
    now = timezone.now()
    dues = selectors.triage_dues(rows)
    for row in rows:
        row.due = dues.get(row.pk)
        row.overdue = row.due is not None and row.due < now
    return render(
        request,
        "intake/queue.html",
        {
            "rows": rows,
            "recent": recent,
            "now": now,
            "breadcrumbs": [(_("Modtagelse"), None)],
        },
    )


@gate.permission_required("intake.register")
def register(request):
    form = RegisterForm(request.POST or None)
    age_warning = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        refs = [
            services.ChildRef(
                d[f"child_{i}_cpr"], d[f"child_{i}_first_name"], d[f"child_{i}_last_name"]
            )
            for i in range(1, CHILD_SLOTS + 1)
            if d[f"child_{i}_cpr"].strip()
        ]
        try:
            item = services.intake_register(
                kind=d["kind"],
                channel=d["channel"],
                received_at=d["received_at"],
                notifier_kind=d["notifier_kind"],
                content=d["content"],
                by=request.user,
                children=refs,
                unknown_description=d["unknown_description"],
                backdate_reason=d["backdate_reason"],
                acute=d["acute"],
                reasons=d["reasons"],
                notifier_name=d["notifier_name"],
                notifier_organisation=d["notifier_organisation"],
                notifier_email=d["notifier_email"],
                notifier_phone=d["notifier_phone"],
                notifier_address=d["notifier_address"],
                age_confirmed=d["age_confirmed"],
            )
        except ValidationError as exc:
            age_warning = isinstance(exc, AgeNeedsConfirmation)
            form_add_validation_error(form, exc)
        else:
            messages.success(
                request, _("Henvendelsen er registreret. Vurdér barnet inden for 24 timer.")
            )
            return redirect("intake:item", pk=item.pk)
    return render(
        request,
        "intake/register.html",
        {
            "form": form,
            "age_warning": age_warning or bool(form["age_confirmed"].value()),
            "breadcrumbs": [
                (_("Modtagelse"), reverse("intake:queue")),
                (_("Ny henvendelse"), None),
            ],
        },
        status=400 if form.errors else 200,
    )


def _item_for(request, pk: int, *, perm: str = "") -> IntakeItem:
    """The item if the user may see it (else 404) and has ``perm`` (else 403)."""
    item = IntakeItem.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if item is None or not request.user.has_perm("intake.view_item", item):
        gate.refuse(request, status=404, what="intake_item", object_ref=f"item:{pk}")
    if perm:
        gate.require(request, perm, item, what="intake_item")
    return item


def item_detail(request, pk: int):
    item = _item_for(request, pk)
    # only the children the user may see: nothing of a sibling outside her need-to-know
    rows = gate.list_logged(
        request,
        intake_children_visible_to(request.user)
        .filter(item=item)
        .select_related("child", "case", "case__caseworker", "case__team", "triaged_by"),
        what="intake_item",
        object_ref=f"item:{item.pk}",
    )
    coordinator = request.user.has_perm("intake.triage")
    for row in rows:
        # the case the report joined may be an older case she may not open: then not shown
        row.case_visible = row.case is not None and request.user.has_perm(
            "cases.view_case", row.case
        )
        row.triage_form = TriageForm(initial={"version": row.version}, prefix=f"c{row.pk}")
        row.previous = (
            list(selectors.child_reports(row.child).exclude(pk=row.pk)[:20]) if row.child_id else []
        )
    letters = letter_selectors.letters_for_intake_item(item.pk)
    return render(
        request,
        "intake/item.html",
        {
            "item": item,
            "rows": rows,
            "coordinator": coordinator,
            "letters": letters,
            "show_notifier": request.user.has_perm("intake.see_notifier", item),
            "due": selectors.triage_due(item),
            "now": timezone.now(),
            "identify_form": IdentifyForm(),
            "unresolved_form": UnresolvedForm(),
            "breadcrumbs": [
                (_("Modtagelse"), reverse("intake:queue") if coordinator else None),
                (item.get_kind_display(), None),
            ],
        },
    )


def triage(request, pk: int, child_pk: int):
    item = _item_for(request, pk, perm="intake.triage")
    row = get_object_or_404(
        IntakeChild.objects.select_related("child", "case"), pk=child_pk, item=item
    )
    if request.method == "POST" and (request.POST.get(f"c{row.pk}-caseworker") or "").strip():
        gate.require(request, "intake.distribute", item, what="intake_triage")
    gate.list_logged(request, [row], what="intake_triage", object_ref=f"item:{item.pk}")
    form = TriageForm(request.POST or None, initial={"version": row.version}, prefix=f"c{row.pk}")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.intake_triage(
                    intake_child=row,
                    by=request.user,
                    at_risk=d["at_risk"],
                    acute_needed=d["acute_needed"],
                    outcome=d["outcome"],
                    reasons_text=d["reasons_text"],
                    expected_version=d["version"],
                    caseworker=d["caseworker"],
                    team=d["team"],
                    forwarded_to=d["forwarded_to"],
                    child_conversation_on=d["child_conversation_on"],
                    barnehus=d["barnehus"],
                    barnehus_note=d["barnehus_note"],
                    danger_confirmed=d["danger_confirmed"],
                )
            except ValidationError as exc:
                form_add_validation_error(form, exc)
            except services.ConflictError:
                form.add_error(
                    None,
                    _(
                        "En anden har vurderet barnet, mens du skrev. Det du "
                        "skrev er bevaret nedenfor."
                    ),
                )
                status = 409
            else:
                messages.success(request, _("Vurderingen er gemt."))
                return redirect("intake:item", pk=item.pk)
        status = status if status != 200 else 400
    return render(
        request,
        "intake/triage.html",
        {
            "item": item,
            "row": row,
            "form": form,
            "caseloads": selectors.caseloads(),
            "breadcrumbs": [
                (_("Modtagelse"), reverse("intake:queue")),
                (item.get_kind_display(), reverse("intake:item", args=[item.pk])),
                (_("Vurdering"), None),
            ],
        },
        status=status,
    )


@require_POST
def identify(request, pk: int, child_pk: int):
    item = _item_for(request, pk, perm="intake.triage")
    row = get_object_or_404(IntakeChild, pk=child_pk, item=item)
    form = IdentifyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Skriv barnets CPR-nummer."))
        d = form.cleaned_data
        services.intake_identify_child(
            intake_child=row,
            by=request.user,
            ref=services.ChildRef(d["cpr"], d["first_name"], d["last_name"]),
            age_confirmed=d["age_confirmed"],
        )
        messages.success(
            request, _("Barnet er identificeret, og henvendelsen er lagt på barnets sag.")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("intake:item", pk=item.pk)


@require_POST
def unresolved(request, pk: int, child_pk: int):
    item = _item_for(request, pk, perm="intake.triage")
    row = get_object_or_404(IntakeChild, pk=child_pk, item=item)
    try:
        services.intake_explain_unresolved(
            intake_child=row, by=request.user, explanation=request.POST.get("explanation", "")
        )
        messages.success(request, _("Forklaringen er gemt."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("intake:item", pk=item.pk)


@require_POST
def send_letter(request, pk: int, kind: str):
    item = _item_for(request, pk, perm="intake.send_letters")
    try:
        if kind == "kvittering":
            services.receipt_send(item=item, by=request.user)
            messages.success(request, _("Kvitteringen er lagt på sagen og i udbakken."))
        elif kind == "tilbagemelding":
            services.feedback_send(item=item, by=request.user)
            messages.success(request, _("Tilbagemeldingen er lagt på sagen og i udbakken."))
        else:
            gate.refuse(request, status=404, what="intake_letter", object_ref=kind)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("intake:item", pk=item.pk)


@gate.permission_required("intake.view_outbox")
def outbox(request):
    if request.method == "POST":
        letter_id = request.POST.get("letter", "")
        if not letter_id.isdigit():
            raise Http404
        letter = get_object_or_404(letter_selectors.outbox_scope(), pk=int(letter_id))
        try:
            if request.POST.get("action") == "retry":
                letter_retry(letter=letter, by=request.user)
                messages.success(request, _("Brevet bliver forsøgt dannet og sendt igen."))
            else:
                letter_mark_sent(
                    letter=letter, channel=request.POST.get("channel", ""), by=request.user
                )
                messages.success(request, _("Brevet er markeret som sendt."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("intake:outbox")
    letters = list(letter_selectors.outbox_letters()[:300])
    # the letters name notifiers and concern children: one log row naming those children
    gate.list_logged(
        request,
        IntakeChild.objects.filter(
            item_id__in={x.intake_item_id for x in letters if x.intake_item_id}
        ).exclude(child=None),
        what="outbox",
    )
    return render(
        request,
        "intake/outbox.html",
        {
            "letters": letters,
            "channels": SendChannel.choices,
            "breadcrumbs": [(_("Udbakke"), None)],
        },
    )


@gate.permission_required("intake.view_outbox")
def letter_pdf(request, pk: int):
    """The PDF of a letter in the outbox. It names the notifier and the children: intake
    coordinators only, and one access-log row naming the children of the cases it is filed
    on."""
    letter = letter_selectors.outbox_scope().filter(pk=pk).first() if 0 < pk < 2**63 else None
    documents = list(letter.documents.select_related("case").order_by("pk")) if letter else []
    if not documents:
        gate.refuse(request, status=404, what="letter_pdf", object_ref=f"letter:{pk}")
    gate.list_logged(request, documents, what="letter_pdf", object_ref=f"letter:{letter.pk}")
    response = FileResponse(
        documents[0].file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{letter.get_kind_display()} {letter.pk}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


def child_reports(request, pk: int):
    """Every report ever received about the child (shown on the child's page)."""
    child = gate.child_get(request, pk, what="child_reports")
    return render(
        request,
        "intake/partials/child_reports.html",
        {"rows": list(selectors.child_reports(child))},
    )
