from django.urls import include, path

from boernesag.accounts.admin import admin_site
from boernesag.catalogue.urls import public_urlpatterns

urlpatterns = [
    path("", include("boernesag.web.urls")),
    path("", include("boernesag.cases.urls")),
    path("", include("boernesag.plans.urls")),
    path("", include("boernesag.rights.urls")),
    path("", include("boernesag.cases.urls_persons")),
    path("", include("boernesag.decisions.urls")),
    path("", include("boernesag.measures.urls")),
    path("", include("boernesag.assessments.urls")),
    path("frister/", include("boernesag.deadlines.urls")),
    path("modtagelse/", include("boernesag.intake.urls")),
    path("katalog/", include("boernesag.catalogue.urls")),
    path("brevskabeloner/", include("boernesag.letters.urls")),
    path(
        "indsatser/",
        include((public_urlpatterns, "catalogue_public"), namespace="public"),
    ),
    path("konto/", include("boernesag.accounts.urls")),
    path("administration/", admin_site.urls),
]

handler400 = "boernesag.web.views.bad_request"
handler403 = "boernesag.web.views.permission_denied"
handler404 = "boernesag.web.views.page_not_found"
handler500 = "boernesag.web.views.server_error"
