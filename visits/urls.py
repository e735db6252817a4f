"""URLs of the visits app, mounted under /visits/."""

app_name = "visits"

urlpatterns: list = []
