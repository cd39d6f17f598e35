from django.urls import path

from boernesag.measures import views

app_name = "measures"

M = "sager/<int:pk>/indsatser/<int:measure_pk>/"

urlpatterns = [
    path("sager/<int:pk>/indsatser/", views.measure_list, name="list"),
    path("sager/<int:pk>/indsatser/ny/", views.measure_start, name="start"),
    path("sager/<int:pk>/indsatser/tidlig/", views.early_support_start, name="early_support"),
    path("sager/<int:pk>/indsatser/overblik/", views.case_panel, name="case_panel"),
    path(M, views.measure_detail, name="detail"),
    path(M + "aendr/", views.measure_change, name="change"),
    path(M + "opfoelgning/ny/", views.follow_up_plan, name="follow_up_plan"),
    path(M + "opfoelgning/<int:follow_up_pk>/", views.follow_up_record, name="follow_up"),
    path(M + "tilsyn/ny/", views.supervision_visit, name="visit"),
    path(M + "anbringelsessted/", views.placement_details, name="placement"),
    path(M + "afslut/", views.measure_end, name="end"),
]
