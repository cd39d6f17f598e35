from django.urls import path

from boernesag.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("ny/", views.service_edit, name="create"),
    path("administration/", views.administration, name="administration"),
    path("leverandoerer/", views.providers, name="providers"),
    path("leverandoerer/<int:pk>/", views.provider_detail, name="provider"),
    path("<slug:key>/", views.service_detail, name="service"),
    path("<slug:key>/rediger/", views.service_edit, name="edit"),
    path("<slug:key>/revision/", views.revision, name="revision"),
    path("<slug:key>/v/<int:number>/<slug:action>/", views.version_action, name="action"),
]

public_urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("serviceniveau/", views.public_print, name="public_print"),
    path("<slug:key>/", views.public_detail, name="public_detail"),
]
