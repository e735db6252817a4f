"""URLs of the sales office's ownership screens, included into the archives namespace."""

from django.urls import path

from archives.ownership import staff_views, views

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/lookup/", views.desk_lookup, name="desk_lookup"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/rule/", views.dispute_rule, name="dispute_rule"),
    path("ownership/<int:pk>/", views.ownership_detail, name="ownership_detail"),
    path("ownership/<int:pk>/contacts/", views.ownership_contacts, name="ownership_contacts"),
    path("ownership/<int:pk>/release/", views.ownership_release, name="ownership_release"),
    path("ownership/<int:pk>/assign/", views.ownership_assign, name="ownership_assign"),
    path("pool/", views.pool_view, name="pool"),
    path("pool/<int:pk>/claim/", views.pool_claim, name="pool_claim"),
    path("pool/<int:pk>/assign/", views.pool_assign, name="pool_assign"),
    path("rotation/", views.rotation_view, name="rotation"),
    path("rotation/create/", views.rotation_create, name="rotation_create"),
    path("rotation/<int:pk>/add/", views.rotation_add, name="rotation_add"),
    path("rotation/slot/<int:pk>/away/", views.rotation_away, name="rotation_away"),
    path("rotation/slot/<int:pk>/move/", views.rotation_move, name="rotation_move"),
    path("rotation/slot/<int:pk>/remove/", views.rotation_remove, name="rotation_remove"),
    path("referrals/", staff_views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/approve/", staff_views.referral_approve, name="referral_approve"),
    path("referrals/<int:pk>/pay/", staff_views.referral_pay, name="referral_pay"),
    path("referrals/key-people/", staff_views.key_people, name="key_people"),
    path("referrals/tree/<int:pk>/", staff_views.referral_tree, name="referral_tree"),
    path("referrals/cooperation/", staff_views.cooperation, name="cooperation"),
    path("sheets/", staff_views.sheet_list, name="sheet_list"),
    path("sheets/today/", staff_views.sheet_today, name="sheet_today"),
    path("sheets/month/", staff_views.sheet_month, name="sheet_month"),
    path("sheets/<int:pk>/", staff_views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/print/", staff_views.sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/submit/", staff_views.sheet_submit, name="sheet_submit"),
    path("sheets/<int:pk>/sign-off/", staff_views.sheet_sign_off, name="sheet_sign_off"),
    path("departures/", staff_views.departure_list, name="departure_list"),
    path("departures/start/", staff_views.departure_start, name="departure_start"),
    path("departures/<int:pk>/", staff_views.departure_detail, name="departure_detail"),
    path(
        "departures/<int:pk>/hand-over/",
        staff_views.departure_hand_over,
        name="departure_hand_over",
    ),
    path(
        "departures/<int:pk>/complete/", staff_views.departure_complete, name="departure_complete"
    ),
    path("departures/<int:pk>/cancel/", staff_views.departure_cancel, name="departure_cancel"),
    path("departures/notices/<int:pk>/called/", staff_views.notice_called, name="notice_called"),
]
