from django.urls import path

from boernesag.rights import views

app_name = "rights"

urlpatterns = [
    path("adgangsaendringer/", views.changes, name="changes"),
    path("adgangsaendringer/bruger/<int:pk>/", views.user_rights, name="user"),
    path("adgangsaendringer/<int:pk>/godkend/", views.confirm, name="confirm"),
    path("adgangsaendringer/<int:pk>/afvis/", views.reject, name="reject"),
    path("adgangsaendringer/<int:pk>/traek-tilbage/", views.withdraw, name="withdraw"),
    path("adgangslog/barn/<int:pk>/hvem-kunne-se/", views.who_could_see, name="who_could_see"),
]
