"""What every page needs: the menu, the bell's unread count, the company for print headers."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from crm import navigation
from crm.models import Company, Notification


def snowball(request):
    user = getattr(request, "user", None)
    context = {"company_name": settings.SNOWBALL["COMPANY_NAME"]}
    if user is None or not user.is_authenticated:
        return context
    context["menu"] = navigation.menu_for(user, request.path)
    context["unread_count"] = Notification.objects.filter(recipient=user).unread().count()
    # Read only by print headers; other pages pay no query.
    context["company"] = SimpleLazyObject(Company.objects.first)
    return context
