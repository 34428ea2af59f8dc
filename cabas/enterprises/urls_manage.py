from django.urls import path

from cabas.enterprises import views_manage

app_name = "manage"
urlpatterns = [
    path("", views_manage.home, name="home"),
    path("<slug:slug>/", views_manage.dashboard, name="dashboard"),
]
