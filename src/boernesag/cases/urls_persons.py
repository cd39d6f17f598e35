"""URL namespace ``persons``: pages of the persons app's data that need the gate, so their
views live in ``cases`` (see ``cases/views_network.py``). Stable names other apps link to:
``persons:network_map``, ``persons:genogram``, ``persons:network_map_print`` (each takes
the case's pk)."""

from django.urls import path

from boernesag.cases import views_network

app_name = "persons"

urlpatterns = [
    path("sager/<int:pk>/netvaerkskort/", views_network.network_map, name="network_map"),
    path("sager/<int:pk>/genogram/", views_network.genogram, name="genogram"),
    path(
        "sager/<int:pk>/netvaerkskort/udskriv/",
        views_network.network_map_print,
        name="network_map_print",
    ),
]
