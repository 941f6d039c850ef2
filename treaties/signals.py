"""Keep a published participation's `last_public_change` true when its declarations and
reservations or its end notes change (core.publication.touch_public_change). Connected in
TreatiesConfig.ready."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.publication import touch_public_change


def reservation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from .models import Participation

        touch_public_change(Participation, instance.participation_id)


def reservation_provisions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from .models import Participation, Reservation

    if not reverse:
        touch_public_change(Participation, instance.participation_id)
        return
    for pk in set(
        Reservation.objects.filter(pk__in=pk_set or []).values_list("participation_id", flat=True)
    ):
        touch_public_change(Participation, pk)


def end_notes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    from .models import Participation

    for pk in [instance.pk] if not reverse else set(pk_set or []):
        touch_public_change(Participation, pk)


def connect() -> None:
    from .models import Participation, Reservation

    post_save.connect(reservation_changed, sender=Reservation, dispatch_uid="treaties_res_touch")
    post_delete.connect(
        reservation_changed, sender=Reservation, dispatch_uid="treaties_res_touch_delete"
    )
    m2m_changed.connect(
        reservation_provisions_changed,
        sender=Reservation.treaty_provisions.through,
        dispatch_uid="treaties_res_provisions_touch",
    )
    m2m_changed.connect(
        end_notes_changed,
        sender=Participation.end_notes.through,
        dispatch_uid="treaties_end_notes_touch",
    )
