from django.urls import include, path

from boernesag.accounts.admin import admin_site

urlpatterns = [
    path("", include("boernesag.web.urls")),
    path("", include("boernesag.cases.urls")),
    path("frister/", include("boernesag.deadlines.urls")),
    path("modtagelse/", include("boernesag.intake.urls")),
    path("konto/", include("boernesag.accounts.urls")),
    path("administration/", admin_site.urls),
]

handler400 = "boernesag.web.views.bad_request"
handler403 = "boernesag.web.views.permission_denied"
handler404 = "boernesag.web.views.page_not_found"
handler500 = "boernesag.web.views.server_error"
