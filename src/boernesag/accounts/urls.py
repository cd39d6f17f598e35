from django.urls import path

from boernesag.accounts import views

app_name = "accounts"

urlpatterns = [
    path("log-ind/", views.login_view, name="login"),
    path("log-ind/kode/", views.login_code_view, name="login_code"),
    path("to-faktor/", views.second_factor_view, name="second_factor"),
    path("log-ud/", views.logout_view, name="logout"),
    path("log-ud-overalt/", views.logout_everywhere_view, name="logout_everywhere"),
    path("", views.profile_view, name="profile"),
]
