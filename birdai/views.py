from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "birdai/home.html")


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico by themselves, also on pages with no <link rel="icon">.

    Not a permanent redirect: the static file's name carries its hash, which changes
    with the icon, and a browser keeps a permanent redirect for good.
    """
    return HttpResponseRedirect(static("birdai/favicon.svg"))
