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


# A refusal's body is the API's Problem ({"detail": ...}, declared in birdai/api.py).
WRONG_CREDENTIALS = {
    "description": "Wrong username or password",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def form_errors_describe(form: UserCreationForm[User]) -> str:
    """One sentence a client can act on: each field's name and what is wrong with it."""
    # The form's password1/password2 are both the API's one "password".
    names = {"password1": "password", "password2": "password"}
    parts = {
        f"{names.get(field, field)}: {message}"
        for field, messages in form.errors.items()
        for message in messages
    }
    return "; ".join(sorted(parts))


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
        raise HttpError(400, form_errors_describe(form))
    user, token = user_with_token_create(
        username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
    )
    return Status(201, TokenOut(username=user.username, token=token))


@router.post(
    "/tokens",
    auth=None,
    response={201: TokenOut},
    summary="Get an API token",
    openapi_extra={"responses": {"401": WRONG_CREDENTIALS}},
)
def token_create(request: HttpRequest, credentials: Credentials) -> Status[TokenOut]:
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, "Wrong username or password.")
    return Status(201, TokenOut(username=user.get_username(), token=api_token_create(user=user)))
