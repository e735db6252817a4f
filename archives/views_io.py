"""Import of existing customer lists and export of the filtered list (both through the door)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archives import privacy, services
from archives.forms import ImportMappingForm, ImportUploadForm
from archives.models import ImportBatch
from archives.spreadsheets import UnreadableFile, check_rows, guess_mapping, read_table
from archives.views import filtered_customers
from crm import permissions
from crm.roles import Role, has_role

PREVIEW_ROWS = 200


@login_required
@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered on screen, narrowed to what the user may export (R-ACC-03)."""
    _form, customers = filtered_customers(request)
    customers = privacy.annotate_is_mine(customers.for_list(), request.user)
    listed = customers.count()
    exportable = permissions.visible(request.user, permissions.EXPORT, customers)
    if not exportable.exists():
        messages.error(request, _("None of these archives may be exported without approval."))
        return redirect(f"{request.path.removesuffix('export/')}?{request.GET.urlencode()}")
    content = services.export_customers(user=request.user, customers=exportable)
    left_out = listed - exportable.count()
    if left_out:
        messages.warning(
            request,
            _("%(n)s confidential archives were left out of the export; they need approval.")
            % {"n": left_out},
        )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.xlsx"'
    return response


@login_required
@permission_required("archives.add_customer", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    initial = {"owner": request.user} if has_role(request.user, Role.SALES_CONSULTANT) else {}
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows, encoding = read_table(upload.name, upload.read())
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            batch = ImportBatch.objects.create(
                created_by=request.user,
                file_name=upload.name[-200:],
                encoding=encoding,
                headers=headers,
                rows=rows,
                mapping=guess_mapping(headers),
                owner=form.cleaned_data["owner"],
                project=form.cleaned_data["project"],
            )
            return redirect("archives:import_preview", pk=batch.pk)
    return render(request, "archives/import_upload.html", {"form": form})


@login_required
@permission_required("archives.add_customer", raise_exception=True)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = permissions.get_for_user_or_404(request.user, permissions.VIEW, ImportBatch, pk)
    if batch.state != ImportBatch.State.PREVIEW:
        messages.info(request, _("This import is finished."))
        return redirect("archives:customer_list")
    form = ImportMappingForm(request.POST or None, headers=batch.headers, mapping=batch.mapping)
    action = request.POST.get("action")
    if request.method == "POST" and action == "cancel":
        services.cancel_import(batch=batch)
        messages.info(request, _("Import cancelled; the uploaded rows were discarded."))
        return redirect("archives:customer_list")
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping()
        batch.save(update_fields=["mapping"])
        if action == "confirm":
            imported, skipped = services.import_customers(batch=batch, by=request.user)
            messages.success(
                request,
                _("%(imported)s archives imported; %(skipped)s rows skipped.")
                % {"imported": imported, "skipped": skipped},
            )
            return redirect("archives:customer_list")
        return redirect("archives:import_preview", pk=batch.pk)
    company = services.default_company(request.user, batch.project)
    checks = check_rows(batch.rows, batch.mapping, company=company, user=request.user)
    good = sum(check.ok for check in checks)
    mapped = [
        (index, field) for index, field in sorted(batch.mapping.items(), key=lambda i: int(i[0]))
    ]
    return render(
        request,
        "archives/import_preview.html",
        {
            "batch": batch,
            "form": form,
            "checks": checks[:PREVIEW_ROWS],
            "more": max(0, len(checks) - PREVIEW_ROWS),
            "good": good,
            "bad": len(checks) - good,
            "fields": [field for _index, field in mapped],
        },
    )
