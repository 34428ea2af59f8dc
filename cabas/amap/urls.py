"""URLs of the AMAP app, one module per area: `manage_urlpatterns` are mounted under /manage/ with
the namespace "amap" (contracts, distributions, members, payments, the distribution day, shifts);
`member_urlpatterns` under / with the namespace "amap_member" (an AMAP's contracts, subscribing,
the member portal, the iCal feed, signing up for shifts)."""

from cabas.amap import urls_contracts, urls_day, urls_import, urls_member, urls_payments, urls_shifts

AREAS = (urls_contracts, urls_payments, urls_day, urls_shifts, urls_member, urls_import)

manage_urlpatterns: list = [pattern for area in AREAS for pattern in area.manage]
member_urlpatterns: list = [pattern for area in AREAS for pattern in area.public]
