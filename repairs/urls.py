"""URLs of the repairs app, mounted under /repairs/."""

from django.urls import path

from repairs import views

app_name = "repairs"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_create, name="order_create"),
    path("new/public/", views.public_order_create, name="public_order_create"),
    path("new/tenants/", views.tenant_search, name="tenant_search"),
    path("new/tenant/", views.tenant_pick, name="tenant_pick"),
    path("mine/", views.my_jobs, name="my_jobs"),
    path("returns/", views.returns, name="returns"),
    path("charges/", views.charges, name="charges"),
    path("charges/send/", views.charges_send, name="charges_send"),
    path("charges/export/", views.charges_export, name="charges_export"),
    path("report/", views.report, name="report"),
    path("prices/", views.price_list, name="price_list"),
    path("prices/new/", views.PriceItemCreate.as_view(), name="price_create"),
    path("prices/<int:pk>/", views.PriceItemUpdate.as_view(), name="price_edit"),
    path("prices/<int:pk>/history/", views.price_history, name="price_history"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/print/", views.order_print, name="order_print"),
    path("<int:pk>/signature/", views.order_signature, name="order_signature"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_download, name="photo_download"),
    path("<int:pk>/photos/", views.photos, name="photos"),
    path("<int:pk>/quote/", views.quote, name="quote"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/arrive/", views.arrive, name="arrive"),
    path("<int:pk>/items/", views.items, name="items"),
    path("<int:pk>/decision/", views.decision, name="decision"),
    path("<int:pk>/materials/", views.material, name="material"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/cosign/", views.cosign, name="cosign"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/payment/", views.payment, name="payment"),
]
