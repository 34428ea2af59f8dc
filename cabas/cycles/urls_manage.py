"""Back-office order-cycle URLs, mounted under /manage/ (namespace "cycles").

Each part keeps its routes in its own module; they are joined here.
"""

from cabas.cycles import urls_cycles, urls_fees

app_name = "cycles"
urlpatterns = [*urls_fees.urlpatterns, *urls_cycles.urlpatterns]
