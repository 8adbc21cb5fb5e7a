"""Quarter arithmetic: the monitor always works on whole calendar quarters."""

import datetime as dt
from typing import NamedTuple


class Quarter(NamedTuple):
    year: int
    quarter: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def back(self, n: int) -> "Quarter":
        """The quarter `n` quarters before this one."""
        index = self.year * 4 + (self.quarter - 1) - n
        return Quarter(index // 4, index % 4 + 1)

    def last(self, n: int) -> list["Quarter"]:
        """The `n` quarters ending with this one, oldest first."""
        return [self.back(i) for i in range(n - 1, -1, -1)]


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def previous_quarter(today: dt.date) -> Quarter:
    """The last quarter that has fully ended on `today`."""
    return quarter_of(today).previous()
