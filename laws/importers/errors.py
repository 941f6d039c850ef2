"""The one error every law importer raises: every problem found in its input, each naming the file
and line, so an editor can fix them all in one pass. Raised before anything is written."""


class DataFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        count = len(self.errors)
        heading = f"{count} problem{'s' if count != 1 else ''} found; nothing was written:"
        super().__init__("\n".join([heading, *(f"  - {e}" for e in self.errors)]))
