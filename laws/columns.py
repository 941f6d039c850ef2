"""The columns of a law, once: the API's law fields (`laws/api/serializers.py`), the dataset's
`laws.csv` (`laws/dataset.py`) and their documentation all come from here (issue 15.3)."""

# (field, what it holds), in the order the API and the dataset give them, after the law's id and
# its state.
LAW_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title in English"),
    ("title_original", "title in the original language"),
    ("language", "ISO 639-1 code of the original"),
    ("kind", "constitution, code, act, decree or regulation"),
    ("citation", "citation; unique within a state"),
    ("year_enacted", "year enacted"),
    ("date_adopted", "date adopted"),
    ("date_in_force", "date in force"),
    ("date_repealed", "date repealed"),
    ("status", "in_force, amended or repealed"),
    ("source_url", "official source"),
    ("verified", "true if checked against a named source"),
    ("verification_source", "what it was checked against ('secondary' where so)"),
)
LAW_FIELD_NAMES: tuple[str, ...] = tuple(name for name, _description in LAW_FIELDS)
