from django.urls import path

from boernesag.cases import views, views_audit, views_course, views_people

app_name = "cases"

urlpatterns = [
    path("boern/", views.child_search, name="child_search"),
    path("boern/<int:pk>/", views.child_detail, name="child"),
    path("boern/adgang/<slug:token>/", views.child_reasoned_access, name="reasoned_access"),
    path("boern/<int:pk>/ny-sag/", views.case_open, name="case_open"),
    path("sager/mine/", views.my_cases, name="my_cases"),
    path("sager/team/", views.team_cases, name="team_cases"),
    path("sager/<int:pk>/", views.case_detail, name="case"),
    path("sager/<int:pk>/tidslinje/", views.case_timeline, name="timeline"),
    path("sager/<int:pk>/journal/", views.case_journal, name="journal"),
    path(
        "sager/<int:pk>/journal/<int:entry_pk>/ret/", views.journal_correct, name="journal_correct"
    ),
    path(
        "sager/<int:pk>/journal/<int:entry_pk>/tilfoej/",
        views.journal_addendum,
        name="journal_addendum",
    ),
    path("sager/<int:pk>/dokumenter/", views.case_documents, name="documents"),
    path(
        "sager/<int:pk>/dokumenter/<int:document_pk>/hent/",
        views.document_download,
        name="document_download",
    ),
    path("sager/<int:pk>/moeder/", views.case_meetings, name="meetings"),
    path("sager/<int:pk>/moeder/<int:meeting_pk>/", views.meeting_finish, name="meeting"),
    path("sager/<int:pk>/samtykker/", views.case_consents, name="consents"),
    path(
        "sager/<int:pk>/samtykker/<int:consent_pk>/tilbagekald/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("sager/<int:pk>/omfordel/", views.case_reassign, name="reassign"),
    # closing, reopening and the steps that start or stop a deadline (docs/closure.md)
    path("sager/<int:pk>/afslut/", views_course.case_close, name="close"),
    path("sager/<int:pk>/genaabn/", views_course.case_reopen, name="reopen"),
    path(
        "sager/<int:pk>/afslutninger/<int:closure_pk>/",
        views_course.closure_detail,
        name="closure",
    ),
    path("sager/<int:pk>/registrer/<slug:kind>/", views_course.step_record, name="step"),
    # the people around the child (docs/people.md)
    path("sager/<int:pk>/personer/", views_people.case_people, name="people"),
    path("sager/<int:pk>/personer/ny/", views_people.person_add, name="person_add"),
    path("sager/<int:pk>/personer/cpr/", views_people.person_lookup, name="person_lookup"),
    path(
        "sager/<int:pk>/personer/cpr/registrer/",
        views_people.person_import,
        name="person_import",
    ),
    path("sager/<int:pk>/personer/familie/", views_people.family_import, name="family_import"),
    path(
        "sager/<int:pk>/personer/<int:relation_pk>/",
        views_people.relation_edit,
        name="relation",
    ),
    path(
        "sager/<int:pk>/personer/<int:relation_pk>/afslut/",
        views_people.relation_end,
        name="relation_end",
    ),
    path(
        "sager/<int:pk>/personer/<int:relation_pk>/opdater/",
        views_people.person_refresh,
        name="person_refresh",
    ),
    path("sager/<int:pk>/ressourcepersoner/ny/", views_people.agreement_add, name="agreement_add"),
    path(
        "sager/<int:pk>/ressourcepersoner/<int:agreement_pk>/",
        views_people.agreement_detail,
        name="agreement",
    ),
    path(
        "sager/<int:pk>/ressourcepersoner/<int:agreement_pk>/afslut/",
        views_people.agreement_end,
        name="agreement_end",
    ),
    path("adgangslog/", views_audit.access_log, name="access_log"),
    path(
        "adgangslog/<int:grant_pk>/gennemgaa/",
        views_audit.access_grant_review_view,
        name="grant_review",
    ),
    path("adgangslog/barn/<int:pk>/", views_audit.child_access_log, name="child_access_log"),
]
