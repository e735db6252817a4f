"""URLs of the complaints app, mounted under /complaints/."""

app_name = "complaints"

urlpatterns: list = []
