from django.urls import path

from boernesag.deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("mine/", views.my_deadlines, name="mine"),
    path("team/", views.team_deadlines, name="team"),
    path("sag/<int:pk>/", views.case_panel, name="case_panel"),
    path("sag/<int:pk>/<slug:rule_key>/bero/", views.clock_pause, name="pause"),
    path("lovoverholdelse/", views.compliance, name="compliance"),
    path("lovoverholdelse/sager/", views.compliance_drilldown, name="drilldown"),
    path("regler/", views.rules_overview, name="rules"),
    path("beregn/", views.calculator, name="calculator"),
]
