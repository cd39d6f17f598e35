from django.urls import path

from boernesag.plans import views

app_name = "plans"

P = "sager/<int:pk>/planer/<int:plan_pk>/"

urlpatterns = [
    path("sager/<int:pk>/planer/", views.case_plans, name="plans"),
    path("sager/<int:pk>/planer/ny/", views.plan_new, name="plan_new"),
    path(P, views.plan_detail, name="plan"),
    path(P + "maal/ny/", views.goal_add, name="goal_add"),
    path(P + "maal/<int:goal_pk>/", views.goal_edit, name="goal"),
    path(P + "maal/<int:goal_pk>/status/", views.goal_status, name="goal_status"),
    path(P + "opgaver/ny/", views.task_add, name="task_add"),
    path(P + "opgaver/<int:task_pk>/afslut/", views.task_end, name="task_end"),
    path(P + "ny-version/", views.plan_version_new, name="version_new"),
    path(P + "versioner/<int:number>/", views.plan_version, name="version"),
    path(P + "versioner/<int:number>/send/", views.plan_send, name="send"),
]
