"""Form fields as the admin shows them to editors."""


class NoMultiSelectHintMixin:
    """No "Hold down “Control”, or “Command” on a Mac, to select more than one." under a
    many-to-many field (issue 12): every one here is a two-box selector or an autocomplete,
    where the hint is wrong. The field keeps its own help text."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.help_text = db_field.help_text
        return field
