"""Alerts and follows: subscribe by CPV prefix and/or buyer, follow one intent, unsubscribe from the mail."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import perform
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.permissions import require_verified
from dialogue.events.queries import public_buyers
from dialogue.extensions import csrf, db
from dialogue.intents import access, bp, notify, subscriptions
from dialogue.intents.forms import AlertForm
from dialogue.models import IntentSubscription


def _render_alerts(form: AlertForm) -> str:
    form.buyer_id.choices = choices([("", _("Any buyer"))] + [(b.id, b.name) for b in public_buyers()])
    return render_template("intents/alerts.html", form=form, alerts=subscriptions.list_for(current_user),
                           describe=notify.describe, consent_text=subscriptions.CONSENT_TEXT,
                           button=ButtonForm())


@bp.route("/intents/alerts", methods=["GET", "POST"])
@login_required
def alerts():
    if request.method == "GET":
        form = AlertForm(formdata=None)
        form.cpv_prefix.data = request.args.get("cpv", "")[:12]
        buyer = request.args.get("buyer", "")
        form.buyer_id.data = buyer if buyer.isdigit() else ""
        return _render_alerts(form)
    require_verified()
    form = AlertForm()
    form.buyer_id.choices = choices([("", "")] + [(b.id, b.name) for b in public_buyers()])
    return perform(lambda: subscriptions.subscribe(current_user, cpv_prefix=form.cpv_prefix.data,
                                                   buyer_id=int(form.buyer_id.data) if form.buyer_id.data else None),
                   form=form, page=lambda: _render_alerts(form), to=url_for("intents.alerts"),
                   success=_("Alert saved. You get a mail when a matching planned tender is announced or its dates "
                             "change."))


def _button(action, *, to: str, success: str):
    """A one-button form (remove, follow, unfollow, subscribe again)."""
    return perform(action, form=ButtonForm(), to=to, success=success)


@bp.post("/intents/alerts/<int:subscription_id>/remove")
@login_required
def alert_remove(subscription_id: int):
    subscription = db.get_or_404(IntentSubscription, subscription_id)
    if subscription.user_id != current_user.id:
        abort(404)
    return _button(lambda: subscriptions.remove(subscription, current_user), to=url_for("intents.alerts"),
                   success=_("The alert is removed."))


@bp.post("/intents/<int:intent_id>/follow")
@login_required
def follow(intent_id: int):
    intent = access.get_intent_or_404(intent_id, current_user)
    require_verified()
    return _button(lambda: subscriptions.follow_intent(current_user, intent),
                   to=url_for("intents.detail", intent_id=intent.id),
                   success=_("You follow this planned tender: answers, date changes and the tender notice come to "
                             "you by mail."))


@bp.post("/intents/<int:intent_id>/unfollow")
@login_required
def unfollow(intent_id: int):
    intent = access.get_intent_or_404(intent_id, current_user)

    def stop_following() -> None:
        subscription = subscriptions.following(intent, current_user)
        if subscription is not None:
            subscriptions.unsubscribe(subscription)

    return _button(stop_following, to=url_for("intents.detail", intent_id=intent.id),
                   success=_("You no longer follow this planned tender."))


def _subscription_or_404(token: str) -> IntentSubscription:
    subscription = notify.subscription_for_token(token)
    if subscription is None:
        abort(404, _("This unsubscribe link is not valid. Manage your alerts from your account."))
    return subscription


def _unsubscribe_page(token: str, subscription: IntentSubscription):
    return render_template("intents/unsubscribe.html", subscription=subscription, token=token,
                           description=notify.describe(subscription), button=ButtonForm())


@bp.route("/intents/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """The link in every alert mail: the signed token is the proof, no sign-in needed.

    Opening the link changes nothing (mail scanners and link previews open links); it shows a button.
    A POST with ``List-Unsubscribe=One-Click`` comes from the mail program (RFC 8058) and carries no
    CSRF token, only the signed token in the address; any other POST is this site's form and must
    carry a CSRF token, which is why the endpoint is exempt from the automatic check.
    """
    one_click = request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click"
    if request.method == "POST" and not one_click and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # what the exemption skipped, for every POST but the mail program's
    subscription = _subscription_or_404(token)
    if request.method == "GET":
        return _unsubscribe_page(token, subscription)
    subscriptions.unsubscribe(subscription)
    db.session.commit()
    if one_click:
        return "", 204
    return redirect(url_for("intents.unsubscribe", token=token), 303)


@bp.post("/intents/unsubscribe/<token>/undo")
def resubscribe(token: str):
    subscription = _subscription_or_404(token)
    return _button(lambda: subscriptions.resubscribe(subscription), to=url_for("intents.unsubscribe", token=token),
                   success=_("You are subscribed again."))
