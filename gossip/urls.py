from django.urls import path, re_path

from gossip import views

app_name = "gossip"
urlpatterns = [
    path("v1/info", views.info, name="info"),
    path("v1/probe", views.probe, name="probe"),
    path("v1/exchange", views.exchange, name="exchange"),
    path("v1/updates", views.updates, name="updates"),
    # Other versions and paths of the protocol: a JSON 404, as the spec asks.
    re_path(r"^v\d+/", views.not_found),
    path("peers/", views.peers_page, name="peers"),
]
