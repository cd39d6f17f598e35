from django.urls import path

from boernesag.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.template_list, name="templates"),
    path("<slug:kind>/", views.template_edit, name="template_edit"),
    path("<slug:kind>/forhaandsvisning/", views.template_preview, name="template_preview"),
]
