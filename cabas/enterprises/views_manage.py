from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role


@login_required
def home(request):
    roles = Role.objects.filter(user=request.user).select_related("enterprise").order_by("enterprise__name")
    return render(request, "manage/home.html", {"roles": roles})


@manage_view(min_role=Role.Level.VOLUNTEER)
def dashboard(request, enterprise):
    return render(request, "manage/dashboard.html", {"enterprise": enterprise, "nav": "dashboard"})
