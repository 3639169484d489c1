"""A map's members and invitations: managed by its facilitators."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from journeymap.auth.access import ROLE_CHOICES, requires
from journeymap.bidi import isolate
from journeymap.domain import accounts, members
from journeymap.extensions import db
from journeymap.forms.members import InvitationForm, NewAccountForm, RoleForm
from journeymap.models import Invitation, Membership, User
from journeymap.models.utctime import utcnow
from journeymap.routes.common import acting, item_or_404, map_or_404, view_or_404

bp = Blueprint("members", __name__)


def _page(map_id: int, *, invitation_form=None, account_form=None, new_account=None, status=200):
    view = view_or_404(map_id)
    rows = db.session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.map_id == map_id).order_by(Membership.joined_at, Membership.id)
    ).all()
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.map_id == map_id).order_by(Invitation.created_at.desc())
    ).all()
    return render_template(
        "members/page.html", view=view, rows=rows, invitations=invitations, now=utcnow(),
        invitation_form=invitation_form or InvitationForm(formdata=None),
        account_form=account_form or NewAccountForm(formdata=None),
        role_choices=ROLE_CHOICES, new_account=new_account,
        problem=members.invitation_problem,
    ), status


@bp.get("/maps/<int:map_id>/members")
@requires("see_members")
def page(map_id: int):
    return _page(map_id)


def _membership_or_404(map_id: int, membership_id: int) -> Membership:
    # Read afresh: the one checked for access may be this one, read before the map was held.
    return item_or_404(Membership, map_id, membership_id, populate_existing=True)


@bp.post("/maps/<int:map_id>/members/<int:membership_id>/role")
@requires("manage_members")
def change_role(map_id: int, membership_id: int):
    members.members_held(map_id)  # before reading any membership: see members_held
    membership = _membership_or_404(map_id, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."))
        return redirect(url_for("members.page", map_id=map_id), code=303)
    try:
        if members.change_role(membership, form.role.data, actor=acting()):
            db.session.commit()
    except members.LastFacilitator as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("members.page", map_id=map_id), code=303)
    return redirect(url_for("members.page", map_id=map_id, _anchor=f"member-{membership.id}"), code=303)


@bp.post("/maps/<int:map_id>/members/<int:membership_id>/remove")
@requires("manage_members")
def remove(map_id: int, membership_id: int):
    members.members_held(map_id)  # before reading any membership: see members_held
    membership = _membership_or_404(map_id, membership_id)
    try:
        user = members.remove_member(membership, actor=acting())
    except members.LastFacilitator as refused:
        db.session.rollback()
        flash(str(refused))
        return redirect(url_for("members.page", map_id=map_id), code=303)
    db.session.commit()
    flash(_("%(name)s is no longer a member of this map.", name=isolate(user.display_name)))
    if user.id == current_user.id:
        return redirect(url_for("maps.index"), code=303)
    return redirect(url_for("members.page", map_id=map_id), code=303)


@bp.post("/maps/<int:map_id>/members/accounts")
@requires("manage_members")
def create_account(map_id: int):
    """Make an account for someone and add them; the one-time password is shown once, here."""
    journey_map = map_or_404(map_id)
    form = NewAccountForm()
    if not form.validate_on_submit():
        return _page(map_id, account_form=form, status=422)
    if accounts.account_with(form.email.data) is not None:
        # Never put someone's existing account on a map without them: they join with an invitation.
        # Saying so tells a facilitator that the email has an account, which sign-up no longer
        # does. Kept on purpose: what this form gives back is a working one-time password, so the
        # two outcomes cannot look alike without handing out cards that silently do not work; and
        # it tells a signed-in, named facilitator no more than signing up and then signing in with
        # the password chosen (an account made, or "does not match") tells anyone.
        form.email.errors.append(
            "There is already an account with this email. Make an invitation and give them the code instead."
        )
        return _page(map_id, account_form=form, status=422)
    made = members.add_new_account(journey_map, email=form.email.data, display_name=form.display_name.data,
                                   role=form.role.data, actor=acting())
    db.session.commit()
    return _page(map_id, new_account={"user": made.user, "password": made.password, "role": form.role.data})


@bp.post("/maps/<int:map_id>/invitations")
@requires("manage_members")
def invite(map_id: int):
    journey_map = map_or_404(map_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        return _page(map_id, invitation_form=form, status=422)
    invitation = members.create_invitation(
        journey_map, form.role.data, hours=int(form.hours.data), max_uses=form.max_uses.data, actor=acting(),
    )
    db.session.commit()
    return redirect(url_for("members.show_invitation", map_id=map_id, invitation_id=invitation.id), code=303)


@bp.get("/maps/<int:map_id>/invitations/<int:invitation_id>")
@requires("manage_members")
def show_invitation(map_id: int, invitation_id: int):
    """For the projector: the code in large type, the link, and a QR code for phones."""
    invitation = item_or_404(Invitation, map_id, invitation_id)
    link = url_for("join.invitation", code=invitation.code, _external=True)
    qr = segno.make(link, error="m")
    svg = qr.svg_inline(scale=8, dark="#000", light="#fff", omitsize=True)
    return render_template(
        "members/invitation.html", view=view_or_404(map_id), invitation=invitation, link=link,
        qr=Markup(svg), problem=members.invitation_problem(invitation),
    )


@bp.post("/maps/<int:map_id>/invitations/<int:invitation_id>/revoke")
@requires("manage_members")
def revoke(map_id: int, invitation_id: int):
    invitation = item_or_404(Invitation, map_id, invitation_id)
    if members.revoke(invitation, actor=acting()):
        db.session.commit()
    flash(_("The invitation is withdrawn: its code and link no longer work."))
    return redirect(url_for("members.page", map_id=map_id), code=303)


