from django.urls import path

from boernesag.assessments import views

app_name = "assessments"

U = "sager/<int:pk>/undersoegelse/"
A = U + "<int:a_pk>/"

urlpatterns = [
    path(U, views.overview, name="overview"),
    path(U + "afgoerelse/", views.decide, name="decide"),
    path(A, views.detail, name="detail"),
    path(A + "plan/", views.plan, name="plan"),
    path(A + "aktiviteter/ny/", views.activity_add, name="activity_add"),
    path(A + "aktiviteter/<int:act_pk>/", views.activity_record, name="activity"),
    path(A + "afsnit/<int:section_pk>/", views.section_edit, name="section"),
    path(A + "midtvejsstatus/", views.midway, name="midway"),
    path(A + "udkast/", views.draft, name="draft"),
    path(A + "bemaerkninger/", views.comments, name="comments"),
    path(A + "konklusion/", views.conclude, name="conclude"),
    path(A + "foreloebig-vurdering/", views.provisional, name="provisional"),
]
