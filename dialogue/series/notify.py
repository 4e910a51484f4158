"""The series' mail, through the outbox: the confirmation of an address and the news of the next event."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dialogue.core.urls import on_base_url
from dialogue.models import Event, Series, SeriesFollower
from dialogue.outbox.services import enqueue_mail


def _headers(unsubscribe_url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirm_address(series: Series, follower: SeriesFollower) -> None:

    with on_base_url() as link:
        enqueue_mail([follower.address], _l("Confirm: news of “%(title)s”", title=series.title),
                     "series/confirm", category="series.confirm", series=series,
                     confirm_url=link("series.confirm", token=follower.token),
                     series_url=link("series.detail", slug=series.slug))


def next_event(series: Series, event: Event, followers: list[SeriesFollower]) -> None:

    subject = _l("Next in %(series)s: %(title)s", series=series.title, title=event.title)
    with on_base_url() as link:
        event_url = link("events.detail", slug=event.slug)
        series_url = link("series.detail", slug=series.slug)
        for follower in followers:
            unsubscribe_url = link("series.unsubscribe", token=follower.token)
            enqueue_mail([follower.address], subject, "series/next_event", category="series.next_event",
                         locale=follower.user.locale if follower.user else None, headers=_headers(unsubscribe_url),
                         series=series, event=event, event_url=event_url, series_url=series_url,
                         unsubscribe_url=unsubscribe_url, recipient=follower.user)
