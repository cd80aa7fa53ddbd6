from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser


class PasswordConfirmForm(forms.Form):
    """Asks for the user's password again before something that cannot be undone."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autofocus": True})
    )

    def __init__(self, user: AbstractBaseUser, data: dict[str, Any] | None = None) -> None:
        super().__init__(data)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
