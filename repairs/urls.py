"""URLs of the repairs app, mounted under /repairs/."""

app_name = "repairs"

urlpatterns: list = []
