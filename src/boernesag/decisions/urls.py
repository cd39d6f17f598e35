from django.urls import path

from boernesag.decisions import views

app_name = "decisions"

D = "sager/<int:pk>/afgoerelser/<int:decision_pk>/"

urlpatterns = [
    path("sager/<int:pk>/afgoerelser/", views.decision_list, name="list"),
    path("sager/<int:pk>/afgoerelser/ny/", views.decision_create, name="create"),
    path(D, views.decision_detail, name="detail"),
    path(D + "traef/", views.decision_decide, name="decide"),
    path(D + "godkend/", views.decision_approve, name="approve"),
    path(D + "send/", views.decision_send, name="send"),
    path(D + "brev-sendt/", views.letter_sent, name="letter_sent"),
    path(D + "afklar/", views.decision_resolve, name="resolve"),
    path(D + "aendr/", views.decision_change, name="change"),
    path(D + "partshoering/", views.hearing_send, name="hearing"),
    path(D + "klage/", views.appeal_add, name="appeal_add"),
    path(
        "sager/<int:pk>/partshoeringer/<int:hearing_pk>/svar/",
        views.hearing_answer,
        name="hearing_answer",
    ),
    path("sager/<int:pk>/klager/<int:appeal_pk>/", views.appeal_detail, name="appeal"),
    path("afgoerelser/godkendelse/", views.approval_queue, name="queue"),
    path("afgoerelser/klager/", views.appeal_overview, name="overview"),
    path("afgoerelser/kompetenceplan/", views.authority_matrix, name="authority"),
]
