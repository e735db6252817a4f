"""URLs of the billing app, mounted under /billing/."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.home, name="home"),
    path("round/", views.round_view, name="round"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_new, name="account_new"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/close/", views.account_close, name="account_close"),
    path("accounts/<int:pk>/meter/", views.meter_replace, name="meter_replace"),
    path("accounts/<int:pk>/read/", views.reading_new, name="reading_new"),
    path("readings/held/", views.held_list, name="held_list"),
    path("readings/<int:pk>/", views.reading_detail, name="reading_detail"),
    path("readings/<int:pk>/photo/", views.reading_photo, name="reading_photo"),
    path("readings/<int:pk>/review/", views.reading_review, name="reading_review"),
    path("readings/<int:pk>/issue/", views.statement_issue, name="statement_issue"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/print/", views.statement_print, name="statement_print"),
    path("statements/<int:pk>/sign/", views.statement_sign, name="statement_sign"),
    path(
        "statements/<int:pk>/signature.png", views.statement_signature, name="statement_signature"
    ),
    path("statements/<int:pk>/receive/", views.statement_receive, name="statement_receive"),
    path("statements/<int:pk>/pay/", views.payment_new, name="payment_new"),
    path("statements/<int:pk>/note/", views.adjustment_new, name="adjustment_new"),
    path("statements/<int:pk>/remind/", views.reminder_new, name="reminder_new"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("run/", views.billing_run, name="billing_run"),
    path("arrears/", views.arrears, name="arrears"),
    path("notices/<int:pk>/", views.notice_print, name="notice_print"),
    path("notices/<int:pk>/delivered/", views.notice_deliver, name="notice_deliver"),
    path("suspensions/", views.suspension_list, name="suspension_list"),
    path("suspensions/<int:pk>/decide/", views.suspension_decide, name="suspension_decide"),
    path("work-orders/", views.work_order_list, name="work_order_list"),
    path("work-orders/<int:pk>/", views.work_order_detail, name="work_order_detail"),
    path("work-orders/<int:pk>/done/", views.work_order_done, name="work_order_done"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/readings/", views.reading_report_view, name="reading_report"),
]
