"""URLs of archive access, included into the archives namespace (mounted under /archives/)."""

from django.urls import path

from archives.access import views

urlpatterns = [
    path("access/", views.access_request_list, name="access_request_list"),
    path("access/new/", views.access_request_new, name="access_request_new"),
    path("access/<int:pk>/", views.access_request_detail, name="access_request_detail"),
    path("access/<int:pk>/decide/", views.access_request_decide, name="access_request_decide"),
    path(
        "access/<int:pk>/withdraw/", views.access_request_withdraw, name="access_request_withdraw"
    ),
    path("access/<int:pk>/revoke/", views.access_request_revoke, name="access_request_revoke"),
    path("access/<int:pk>/print/", views.access_request_print, name="access_request_print"),
    path("access/sheet/<int:pk>/", views.archive_print, name="archive_print"),
    path("access/sheet/<int:pk>/xlsx/", views.archive_export, name="archive_export"),
    path("access/reveal/<int:pk>/", views.archive_reveal, name="archive_reveal"),
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/export/", views.access_log_export, name="access_log_export"),
    path("retention/", views.retention_list, name="retention"),
    path("retention/archive/<int:pk>/", views.destruction_new, name="destruction_new"),
    path("retention/<int:pk>/", views.destruction_detail, name="destruction_detail"),
    path("retention/<int:pk>/decide/", views.destruction_decide, name="destruction_decide"),
    path(
        "retention/<int:pk>/carry-out/",
        views.destruction_carry_out,
        name="destruction_carry_out",
    ),
    path("retention/<int:pk>/print/", views.destruction_print, name="destruction_print"),
]
