"""URLs of the complaints app, mounted under /complaints/."""

from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("customers/", views.customer_lookup, name="customer_lookup"),
    path("register/", views.incoming_register, name="register"),
    path("summary/", views.monthly_summary, name="summary"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/take/", views.complaint_take, name="complaint_take"),
    path("<int:pk>/steps/<slug:kind>/", views.step_record, name="step_record"),
    path("<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("<int:pk>/reopen/", views.complaint_reopen, name="complaint_reopen"),
    path("<int:pk>/classify/", views.complaint_reclassify, name="complaint_reclassify"),
    path("<int:pk>/link/", views.complaint_link, name="complaint_link"),
    path("<int:pk>/sign-off/", views.complaint_sign_off, name="complaint_sign_off"),
    path(
        "<int:pk>/confirmations/<int:confirmation_pk>/",
        views.confirmation_file,
        name="confirmation_file",
    ),
    path("<int:pk>/print/", views.complaint_print, name="complaint_print"),
    path("<int:pk>/letter/", views.reply_letter, name="reply_letter"),
]
