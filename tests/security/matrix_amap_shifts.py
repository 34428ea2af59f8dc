"""The access matrix of the AMAP app's shifts pages: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data). The shifts pages exist for any enterprise, not only an AMAP."""

import datetime

from django.utils import timezone

from cabas.amap.models import Shift, ShiftSignup
from tests.factories import UserFactory


def slug(enterprise):
    return {"slug": enterprise.slug}, {}


def own_shift(enterprise):
    shift = Shift.objects.create(
        enterprise=enterprise,
        role="Accueil",
        date=timezone.localdate() + datetime.timedelta(days=10),
        starts_at=datetime.time(17, 0),
        ends_at=datetime.time(19, 0),
    )
    return {"slug": enterprise.slug, "shift": shift.uuid}, {}


def own_shift_signup(enterprise):
    kwargs, _data = own_shift(enterprise)
    shift = Shift.objects.get(uuid=kwargs["shift"])
    signup = ShiftSignup.objects.create(shift=shift, user=UserFactory(email="benevole@exemple.fr"))
    return {**kwargs, "signup": signup.pk}, {}


EXPECTED: dict = {
    "amap:shifts": ("volunteer", "GET", slug),
    "amap:shift_new": ("manager", "GET", slug),
    "amap:shifts_generate": ("manager", "GET", slug),
    "amap:shift_rule": ("manager", "GET", slug),
    "amap:shift_share": ("manager", "GET", slug),
    "amap:shift_edit": ("manager", "GET", own_shift),
    "amap:shift_delete": ("manager", "POST", own_shift),
    "amap:shift_remove": ("manager", "POST", own_shift_signup),
}
