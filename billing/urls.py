"""URLs of the billing app, mounted under /billing/."""

app_name = "billing"

urlpatterns: list = []
