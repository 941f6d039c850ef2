"""Who may do what to an editorial record: Django permissions named after the model
(`laws.change_law`, `laws.publish_law`). The workflow and the revisions both ask here."""

from django.db import models


def permission_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def may_publish(user, model: type[models.Model]) -> bool:
    return bool(user and user.has_perm(permission_name(model, "publish")))
