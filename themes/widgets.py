"""The theme's colours: a colour picker beside the hex value, kept in step both ways."""

from django import forms


class ColourInput(forms.TextInput):
    template_name = "themes/widgets/colour_input.html"

    class Media:
        js = ["themes/admin/colour-input.js"]
