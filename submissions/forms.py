from django import forms

from submissions.images import ACCEPTED
from submissions.models import Submission


def geoprivacy_field(*, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Where it was taken",
        choices=Submission.Geoprivacy.choices,
        initial=Submission.Geoprivacy.OBSCURED,
        required=required,
        widget=forms.RadioSelect,
        help_text="You always see the exact position; you can change this later.",
    )


class UploadForm(forms.Form):
    # A plain FileField: images.prepare_upload does all the checking, the same
    # for this page and for the API.
    image = forms.FileField(
        label="Photo",
        help_text=f"A {ACCEPTED} photo, up to the size limit.",
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"}),
    )
    # Optional, so that a script posting only the photo gets the default, as with the API.
    geoprivacy = geoprivacy_field(required=False)

    def clean_geoprivacy(self) -> str:
        return self.cleaned_data["geoprivacy"] or Submission.Geoprivacy.OBSCURED


class GeoprivacyForm(forms.Form):
    geoprivacy = geoprivacy_field(required=True)
