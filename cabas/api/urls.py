from ninja import NinjaAPI

api = NinjaAPI(title="Cabas API", version="1.0.0", urls_namespace="api-1.0.0")


@api.get("/me")
def me(request):
    return {}
