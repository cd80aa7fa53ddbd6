from django.urls import path

from birdai.submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_create, name="create"),
    path("<uuid:submission_id>/", views.submission_detail, name="detail"),
    path("<uuid:submission_id>/retry/", views.submission_retry, name="retry"),
    path("<uuid:submission_id>/geoprivacy/", views.submission_geoprivacy, name="geoprivacy"),
]
