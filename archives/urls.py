"""URLs of the archives app, mounted under /archives/."""

from django.urls import include, path

from archives import views, views_io, views_reports

app_name = "archives"

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/status/", views.customer_status, name="customer_status"),
    path("<int:pk>/history/", views.customer_history, name="customer_history"),
    path("<int:pk>/void/", views.customer_void, name="customer_void"),
    path("<int:pk>/profile/<int:section_pk>/", views.profile_section_edit, name="profile_edit"),
    path("<int:pk>/family/new/", views.family_edit, name="family_add"),
    path("<int:pk>/family/<int:member_pk>/", views.family_edit, name="family_edit"),
    path("<int:pk>/family/<int:member_pk>/remove/", views.family_remove, name="family_remove"),
    path("<int:pk>/phones/new/", views.phone_add, name="phone_add"),
    path("<int:pk>/phones/<int:phone_pk>/remove/", views.phone_remove, name="phone_remove"),
    path("<int:pk>/deals/new/", views.deal_add, name="deal_add"),
    path("<int:pk>/company-records/new/", views.company_record_add, name="company_record_add"),
    path("<int:pk>/move-in/", views.move_in, name="move_in"),
    path("<int:pk>/move-out/<int:occupancy_pk>/", views.move_out, name="move_out"),
    path("<int:pk>/attachments/new/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("export/", views_io.customer_export, name="customer_export"),
    path("import/", views_io.import_upload, name="import_upload"),
    path("import/<int:pk>/", views_io.import_preview, name="import_preview"),
    path("composition/", views_reports.composition, name="composition"),
    path("units/", views.unit_files, name="unit_files"),
    path("units/<int:pk>/", views.unit_file, name="unit_file"),
    path("", include("archives.access.urls")),
    path("", include("archives.ownership.urls")),
]
