from django import forms

from cms.notifications.models import Frequency


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Comment voulez-vous être prévenu·e des nouvelles contributions ?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une des réponses proposées.",
            "invalid_choice": "Ce choix n’existe pas : choisissez une des réponses proposées.",
        },
    )
