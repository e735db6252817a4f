"""URLs of the visits app, mounted under /visits/."""

from django.urls import path

from visits.views import care, followups, reports, visits

app_name = "visits"

urlpatterns = [
    path("", followups.followup_list, name="followup_list"),
    path("followups/<int:pk>/", followups.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/result/", followups.followup_result, name="followup_result"),
    path("customers/", visits.customer_pick, name="customer_pick"),
    path("customers/<int:customer_pk>/", visits.customer_care, name="customer_care"),
    path("customers/<int:customer_pk>/follow-up/", followups.followup_new, name="followup_new"),
    path("customers/<int:customer_pk>/visit/", visits.log_new, name="log_new"),
    path("customers/<int:customer_pk>/plan/", visits.plan_new, name="plan_new"),
    path("customers/<int:customer_pk>/survey/", care.survey_new, name="survey_new"),
    path("logs/", visits.log_list, name="log_list"),
    path("logs/<int:pk>/", visits.log_detail, name="log_detail"),
    path("commitments/<int:pk>/fulfil/", visits.commitment_fulfil, name="commitment_fulfil"),
    path("commitments/<int:pk>/cancel/", visits.commitment_cancel, name="commitment_cancel"),
    path("plans/", visits.plan_list, name="plan_list"),
    path("plans/<int:pk>/", visits.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/cancel/", visits.plan_cancel, name="plan_cancel"),
    path("greetings/", care.greeting_list, name="greeting_list"),
    path("surveys/", care.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", care.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/reply/", care.survey_reply, name="survey_reply"),
    path("surveys/<int:pk>/print/", care.survey_print, name="survey_print"),
    path("events/", care.event_list, name="event_list"),
    path("events/new/", care.event_edit, name="event_new"),
    path("events/<int:pk>/", care.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", care.event_edit, name="event_edit"),
    path("events/<int:pk>/invite/", care.event_invite, name="event_invite"),
    path("invitations/<int:pk>/reply/", care.invitation_reply, name="invitation_reply"),
    path(
        "invitations/<int:pk>/attendance/",
        care.invitation_attendance,
        name="invitation_attendance",
    ),
    path("reports/", reports.report_view, name="reports"),
]
