from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from accounts.services import api_token_create, user_with_token_create

router = Router(tags=["accounts"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    username: str
    token: str


@router.post("/accounts", auth=None, response={201: TokenOut}, summary="Sign up")
def account_create(request: HttpRequest, credentials: Credentials) -> Status[TokenOut]:
    # The same form as the sign-up page, so both apply the same password rules.
    form: UserCreationForm[User] = UserCreationForm(
        {
            "username": credentials.username,
            "password1": credentials.password,
            "password2": credentials.password,
        }
    )
    if not form.is_valid():
        raise HttpError(400, " ".join(str(m) for errors in form.errors.values() for m in errors))
    user, token = user_with_token_create(
        username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
    )
    return Status(201, TokenOut(username=user.username, token=token))


@router.post("/tokens", auth=None, response={201: TokenOut}, summary="Get an API token")
def token_create(request: HttpRequest, credentials: Credentials) -> Status[TokenOut]:
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, "Wrong username or password.")
    return Status(201, TokenOut(username=user.get_username(), token=api_token_create(user=user)))
