"""Snowball's URLs: the shared core here, each app under its own prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views
from crm.forms import LoginForm

crm_patterns = (
    [
        path("dashboard/", views.dashboard_view, name="dashboard"),
        path("notifications/", views.notification_list, name="notification_list"),
        path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
        path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
        path("property/", views.ProjectListView.as_view(), name="project_list"),
        path("property/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
        path("property/unit/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
        path("property/units/lookup/", views.unit_lookup, name="unit_lookup"),
        path("company/logo/", views.company_logo, name="company_logo"),
    ],
    "crm",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(crm_patterns)),
    path("archives/", include("archives.urls")),
    path("visits/", include("visits.urls")),
    path("complaints/", include("complaints.urls")),
    path("repairs/", include("repairs.urls")),
    path("billing/", include("billing.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler403 = "crm.views.error_403"
handler404 = "crm.views.error_404"
handler500 = "crm.views.error_500"
