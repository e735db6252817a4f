"""Views of the shared core: dashboard, notifications, property browsing, language, errors."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.db.models import Count, Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, ListView
from django.views.i18n import set_language

from crm import dashboard, notifications, permissions
from crm import units as unit_search
from crm.forms import choices_context
from crm.models import Building, Company, Floor, Notification, Project, Unit
from crm.roles import role_labels


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "crm/dashboard.html",
        {"panels": dashboard.panels_for(request), "role_labels": role_labels(request.user)},
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = permissions.visible(request.user, "view", Notification.objects.all())
    return render(request, "crm/notification_list.html", {"notifications": mine[:100]})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link."""
    notification = permissions.get_for_user_or_404(request.user, "view", Notification, pk)
    notifications.mark_read(request.user, [notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, None):
        return redirect(notification.url)
    return redirect("crm:notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_read(request.user)
    return redirect("crm:notification_list")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and the choice remembered for notifications."""
    response = set_language(request)
    language = request.POST.get("language")
    valid = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in valid:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


class ProjectListView(LoginRequiredMixin, ListView):
    template_name = "crm/project_list.html"
    context_object_name = "projects"

    def get_queryset(self):
        projects = Project.objects.filter(is_active=True).annotate(
            building_count=Count("buildings", distinct=True),
            unit_count=Count("buildings__floors__units", distinct=True),
        )
        return permissions.visible(self.request.user, "view", projects).order_by("name")


class ProjectDetailView(LoginRequiredMixin, DetailView):
    template_name = "crm/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return permissions.get_for_user_or_404(
            self.request.user, "view", Project, self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        units = Unit.objects.order_by("number")
        floors = Floor.objects.order_by("-number").prefetch_related(Prefetch("units", units))
        buildings = Building.objects.filter(project=self.object).prefetch_related(
            Prefetch("floors", floors)
        )
        return super().get_context_data(buildings=buildings, **kwargs)


class UnitDetailView(LoginRequiredMixin, DetailView):
    template_name = "crm/unit_detail.html"
    context_object_name = "unit"

    def get_object(self, queryset=None):
        return permissions.get_for_user_or_404(
            self.request.user, "view", Unit.objects.with_location(), self.kwargs["pk"]
        )


_FIELD_NAME = re.compile(r"[\w-]{1,80}")


@login_required
@require_POST
def unit_lookup(request: HttpRequest) -> HttpResponse:
    """HTMX, for the unit picker (crm.forms.UnitField): the units that fit the words typed, as
    radio buttons named after the form's field, the unit already chosen kept first. A POST,
    although it only reads: the words stay out of URLs and access logs (R-ACC-06)."""
    name = request.POST.get("field", "")
    if not _FIELD_NAME.fullmatch(name):
        name = "unit"
    units = permissions.visible(
        request.user, permissions.VIEW, unit_search.scope(request.POST.get("scope", ""))
    )
    chosen = request.POST.get(name, "").strip()
    optional = bool(request.POST.get("optional"))
    context = choices_context(
        name=name,
        units=units,
        words=request.POST.get(f"{name}-find", ""),
        chosen_pk=int(chosen) if chosen.isdigit() else None,
        empty_label=_("— none —") if optional else None,
    )
    return render(request, "crm/includes/unit_choices.html", {**context, "required": not optional})


@login_required
@require_GET
def company_logo(request: HttpRequest) -> HttpResponse:
    company = Company.objects.exclude(logo="").first()
    if company:
        return FileResponse(company.logo.open("rb"), filename=company.logo.name)
    return FileResponse(open(finders.find("img/logo.svg"), "rb"), content_type="image/svg+xml")


def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy in front of gunicorn: the process answers and the database is reachable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    # No context processors: the failure may lie in them.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def home(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("crm:dashboard") if request.user.is_authenticated else "login")
