from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import ApiToken
from accounts.services import api_token_create, user_create


def signup(request: HttpRequest) -> HttpResponse:
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The form checks the name and the password rules; the service makes the user.
        user = user_create(
            username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("submissions:list")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_page(request, new_key=None)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    key = api_token_create(user=request.user, name="made on the website")  # type: ignore[arg-type]
    return _tokens_page(request, new_key=key)


def _tokens_page(request: HttpRequest, *, new_key: str | None) -> HttpResponse:
    owned = ApiToken.objects.filter(user=request.user.pk).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": owned, "new_key": new_key})
