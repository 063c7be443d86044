"""The daily clock: Gregorian (N.S.) dates, with the Julian (O.S.) date beside each.

Russia used the Julian calendar until February 1918; in 1917 it ran 13 days behind the
Gregorian (data1917.md, header; alphahistory.com timeline).
"""
from __future__ import annotations

import datetime as dt

JULIAN_LAG_DAYS = 13  # valid from 1900-03-01 to 2100-02-28 (Gregorian)


def julian(date: dt.date) -> dt.date:
    """The Old Style date of a Gregorian date, as a date object labelled in Julian numbering."""
    if not dt.date(1900, 3, 14) <= date <= dt.date(2100, 3, 13):
        raise ValueError("Julian conversion implemented for 1900-2100 only")
    return date - dt.timedelta(days=JULIAN_LAG_DAYS)


def both(date: dt.date) -> str:
    """'1917-11-07 (O.S. 25 Oct)' style label."""
    j = julian(date)
    return f"{date.isoformat()} (O.S. {j.day} {j.strftime('%b')})"


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from start to end, both included."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def month_of(date: dt.date) -> str:
    """A date's month as ``YYYY-MM`` (the key of the monthly rows)."""
    return f"{date.year}-{date.month:02d}"


def parse_date(text: str) -> dt.date:
    """Parse an ISO Gregorian date; raise ValueError with a readable reason."""
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError) as err:
        reason = "it is not in YYYY-MM-DD form" if "isoformat" in str(err) or not text else str(err)
        raise ValueError(f"'{text}' is not a valid Gregorian date ({reason})") from None
