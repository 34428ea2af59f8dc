from django.shortcuts import get_object_or_404, render

from cabas.enterprises.models import Enterprise, Network


def home(request):
    return render(request, "public/home.html")


def producers(request):
    return render(request, "public/home.html")


def shops(request):
    return render(request, "public/home.html")


def map_page(request):
    return render(request, "public/home.html")


def network(request, slug):
    return render(request, "public/home.html", {"network": get_object_or_404(Network, slug=slug)})


def enterprise(request, slug):
    obj = get_object_or_404(Enterprise.objects.public(), slug=slug)
    return render(request, "public/home.html", {"enterprise": obj})
