from django.urls import path

from boernesag.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ny/", views.register, name="register"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/barn/<int:child_pk>/vurder/", views.assess, name="assess"),
    path("<int:pk>/barn/<int:child_pk>/identificer/", views.identify, name="identify"),
    path("<int:pk>/barn/<int:child_pk>/uafklaret/", views.unresolved, name="unresolved"),
    path("<int:pk>/brev/<slug:kind>/", views.send_letter, name="send_letter"),
    path("udbakke/", views.outbox, name="outbox"),
    path("udbakke/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("barn/<int:pk>/", views.child_reports, name="child_reports"),
]
