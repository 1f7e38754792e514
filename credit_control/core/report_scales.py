"""Normalise the score scales of credit bureaus to 0-100 (100 = safest).

- ``score_100``: 0-100 where 100 is the safest, with bands (Creditsafe-like): kept as is.
- ``risk_10``: 1-10 where 10 is the worst (Cerved-like): 1 gives 100, 10 gives 0.
- ``paydex``: a 1-100 payment index (PAYDEX-like, 80 = pays on time): 1 gives 0, 100 gives 100.

>>> normalise("score_100", 73)
73.0
>>> normalise("risk_10", 1), normalise("risk_10", 10), normalise("risk_10", 4)
(100.0, 0.0, 66.7)
>>> normalise("paydex", 80), normalise("paydex", 1)
(79.8, 0.0)
>>> normalise("risk_10", 11)
Traceback (most recent call last):
...
ValueError: score 11 is outside the scale 1-10 (10 = worst)
>>> normalise("paydex", "high")
Traceback (most recent call last):
...
ValueError: score 'high' is not a number
>>> score_100_band(73), score_100_band(10)
('A', 'E')
"""

import math

__all__ = ["SCALES", "normalise", "score_100_band"]

# code: (label, lowest, highest, worst_is_high)
SCALES = {
    "score_100": ("0-100 (100 = safest)", 0, 100, False),
    "risk_10": ("1-10 (10 = worst)", 1, 10, True),
    "paydex": ("1-100 payment index", 1, 100, False),
}

# Creditsafe-like bands on the 0-100 scale: lowest score of each band.
SCORE_100_BANDS = (("A", 71), ("B", 51), ("C", 30), ("D", 21), ("E", 0))


def to_number(value):
    """``value`` as a float; strings may use a decimal comma. ValueError otherwise.

    >>> to_number("7,5"), to_number(3)
    (7.5, 3.0)
    >>> to_number("inf")
    Traceback (most recent call last):
    ...
    ValueError: score 'inf' is not a finite number
    """
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise ValueError(f"score {shown} is not a number")
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            number = float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        raise ValueError(f"score {shown} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"score {shown} is not a finite number")
    return number


def normalise(scale, value):
    """``value`` on the bureau's ``scale`` as 0-100 (one decimal); ValueError when invalid."""
    label, lowest, highest, worst_is_high = SCALES[scale]
    number = to_number(value)
    if number != number or not lowest <= number <= highest:  # NaN or out of range
        raise ValueError(f"score {value!r} is outside the scale {label}")
    share = (number - lowest) / (highest - lowest)
    if worst_is_high:
        share = 1 - share
    return round(share * 100, 1)


def score_100_band(score):
    """The Creditsafe-like band letter of a 0-100 score."""
    for band, lowest in SCORE_100_BANDS:
        if score >= lowest:
            return band
    return "E"
