"""Back-office catalogue URLs, mounted under /manage/ (namespace "catalogue").

Each part of the catalogue keeps its routes in its own module; they are joined here.
"""

from cabas.catalogue import urls_import, urls_inventory, urls_products

app_name = "catalogue"
urlpatterns = [*urls_products.urlpatterns, *urls_import.urlpatterns, *urls_inventory.urlpatterns]
