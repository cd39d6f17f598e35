from django.urls import path

from boernesag.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("kommer-snart/<slug:key>/", views.coming_soon, name="coming_soon"),
]
