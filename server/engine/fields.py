"""Reading one YAML mapping field by field while collecting, not raising, its problems."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from server.engine.decimals import NotANumber, parse_decimal, plain

Report = Callable[[str], None]


def shown(value) -> str:
    """`value` as a message shows it: numbers plainly, text quoted."""
    if isinstance(value, Decimal):
        return plain(value)
    return repr(value)


def range_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"between {plain(low)} and {plain(high)}"
    return f"at least {plain(low)}" if low is not None else f"at most {plain(high)}"


class FieldReader:
    """One mapping of a criteria-set file, read field by field.

    A getter that meets a problem reports it through `report` and returns None, so the loader
    reads the whole file and lists every problem at once. Call `finish()` last: it reports the
    keys nobody read, so a typo such as `max_point` is refused instead of silently ignored.
    `where` names the mapping in messages ("rule", "rule.bands[2]"; list entries count from 1).
    """

    def __init__(self, data, report: Report, where: str = ""):
        self.report = report
        self.where = where
        if not isinstance(data, Mapping):
            report(f"'{where}' must be a mapping, got {shown(data)}" if where
                   else f"expected a mapping, got {shown(data)}")
            data = {}
        self._data = data
        self._read: set = set()

    def path(self, key: str) -> str:
        """`key` as messages name it, with the path of this mapping: "rule.bands[2]"."""
        return f"{self.where}.{key}" if self.where else key

    def _name(self, key: str) -> str:
        return f"'{self.path(key)}'"

    def nested(self, data, where: str) -> "FieldReader":
        """A reader for a mapping found inside this one, reporting to the same place."""
        return FieldReader(data, self.report, self.path(where))

    def section(self, key: str, required: bool = False) -> "FieldReader | None":
        """A reader for the mapping under `key`, or None when it is absent."""
        data = self.raw(key, required)
        return None if data is None else self.nested(data, key)

    def has(self, key: str) -> bool:
        return key in self._data

    def read_boolean_key_as(self, flag: bool, key: str) -> None:
        """Read the key `flag` as `key`: YAML 1.1 reads an unquoted `yes:` or `no:` key as the
        boolean True or False (PyYAML does), which a rule meaning the words cannot know."""
        found = [k for k in self._data if k is flag]
        if found and key not in self._data:
            self._data = {key if k is flag else k: v for k, v in self._data.items()}

    def names(self) -> list:
        """The keys found in this mapping, in file order."""
        return list(self._data)

    def raw(self, key: str, required: bool = False):
        """The value as found, or None; a required field that is absent or empty is reported."""
        self._read.add(key)
        value = self._data.get(key)
        if value is None and required:
            state = "is empty" if key in self._data else "is missing"
            self.report(f"required field {self._name(key)} {state}")
        return value

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.report(f"{self._name(key)} must be non-empty text, got {shown(value)}")
            return None
        return value.strip()

    def number(self, key: str, required: bool = False, default: Decimal | None = None,
               low: Decimal | None = None, high: Decimal | None = None,
               positive: bool = False) -> Decimal | None:
        """A Decimal, optionally checked to lie in low..high (inclusive) or to be above 0."""
        value = self.raw(key, required)
        if value is None:
            return default
        try:
            number = parse_decimal(value)
        except NotANumber:
            self.report(f"{self._name(key)} must be a number, got {shown(value)}")
            return None
        if positive and number <= 0:
            self.report(f"{self._name(key)} must be greater than 0, got {plain(number)}")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.report(f"{self._name(key)} must be {range_text(low, high)}, got {plain(number)}")
            return None
        return number

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.report(f"{self._name(key)} must be true or false, got {shown(value)}")
            return None
        return value

    def integer(self, key: str, required: bool = False) -> int | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(f"{self._name(key)} must be a whole number, got {shown(value)}")
            return None
        return value

    def one_of(self, key: str, options: tuple[str, ...], required: bool = False,
               default: str | None = None) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return default
        if value not in options:
            self.report(f"{self._name(key)} must be one of {', '.join(options)}, "
                        f"got {shown(value)}")
            return None
        return value

    def entries(self, key: str, required: bool = False) -> list | None:
        """A non-empty list."""
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            self.report(f"{self._name(key)} must be a non-empty list, got {shown(value)}")
            return None
        return value

    def finish(self) -> None:
        for key in self._data:
            if key not in self._read:
                self.report(f"unknown key {self._name(str(key))}")
