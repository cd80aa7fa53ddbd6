from django import forms

from birdai.submissions.images import ACCEPTED


class UploadForm(forms.Form):
    # A plain FileField: images.prepare_upload does all the checking, the same
    # for this page and for the API.
    image = forms.FileField(
        label="Photo",
        help_text=f"A {ACCEPTED} photo, up to the size limit.",
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp"}),
    )
