from django.urls import path

from civicspace.languages import language_neutral

from . import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations.csv", language_neutral(views.OrganisationCsvView.as_view()), name="organisation-csv"),
    path("organisations.json", language_neutral(views.OrganisationJsonView.as_view()), name="organisation-json"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people.csv", language_neutral(views.PersonCsvView.as_view()), name="person-csv"),
    path("people.json", language_neutral(views.PersonJsonView.as_view()), name="person-json"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("suggest/organisations.json", views.suggest_organisations, name="suggest-organisations"),
    path("suggest/people.json", views.suggest_people, name="suggest-people"),
]
