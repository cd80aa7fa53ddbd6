from django.urls import path

from submissions import media, views

app_name = "submissions"
urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_create, name="create"),
    path("<uuid:submission_id>/", views.submission_detail, name="detail"),
    path("<uuid:submission_id>/retry/", views.submission_retry, name="retry"),
    path("<uuid:submission_id>/geoprivacy/", views.submission_geoprivacy, name="geoprivacy"),
    path("<uuid:submission_id>/delete/", views.submission_delete, name="delete"),
    # A private photo's copies, for its owner (elsewhere they come from /media/ or S3).
    path("<uuid:submission_id>/image.jpg", media.own_copy, {"thumbnail": False}, name="image"),
    path(
        "<uuid:submission_id>/thumbnail.jpg", media.own_copy, {"thumbnail": True}, name="thumbnail"
    ),
    # Here, not in accounts: deleting an account deletes its photos first (services.py).
    path("account/delete/", views.account_delete, name="account_delete"),
]
