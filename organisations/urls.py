from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations.csv", views.OrganisationCsvView.as_view(), name="organisation-csv"),
    path("organisations.json", views.OrganisationJsonView.as_view(), name="organisation-json"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people.csv", views.PersonCsvView.as_view(), name="person-csv"),
    path("people.json", views.PersonJsonView.as_view(), name="person-json"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("suggest/organisations.json", views.suggest_organisations, name="suggest-organisations"),
    path("suggest/people.json", views.suggest_people, name="suggest-people"),
]
