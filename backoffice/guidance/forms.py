"""Forms of the career-guidance pages (职业指导, standard art. 17) and the room calendar
(art. 6). They parse input only and keep what was typed; the rules are the services', whose
ValidationError the views put back on these forms, per field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from markets.models import Market
from workflows.guidance.models import Room, RoomKind

from ..common.params import DayField


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "autocomplete": "off"})


class GuidanceOpenForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="counter")
    topic = forms.CharField(
        label=_("Topic"),
        required=False,
        help_text=_("What the seeker wants help with, in a few words."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args: Any, markets: Sequence[Market], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["market"]
        field.queryset = Market.objects.filter(pk__in=[m.pk for m in markets])  # type: ignore[attr-defined]
        if markets:
            field.initial = markets[0].pk


class SessionForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=_area(4))
    advice = forms.CharField(label=_("Advice given"), required=False, widget=_area(3))


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=_area(2))


class BookingForm(forms.Form):
    """A booking of one room on one day, from a start to an end time (Shanghai time)."""

    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    day = DayField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, market: Market, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            market=market, is_active=True
        ).order_by("kind", "name")

    def instants(self) -> tuple[datetime, datetime]:
        """The start and end as aware instants (after ``is_valid``)."""
        zone = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        return (
            datetime.combine(day, self.cleaned_data["starts_at"], tzinfo=zone),
            datetime.combine(day, self.cleaned_data["ends_at"], tzinfo=zone),
        )


class RoomForm(forms.Form):
    """A room of the market (功能区, standard art. 6), as its team lead keeps it. Parsing only:
    ``room_create`` / ``room_update`` check the name, the kind and the seats."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text=_("As the door sign reads, e.g. 职业指导室 1."),
    )
    kind = forms.ChoiceField(label=_("Kind of room"), required=False, choices=RoomKind.choices)
    capacity = forms.CharField(
        label=_("Seats"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]
