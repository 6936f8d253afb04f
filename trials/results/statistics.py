"""Proportions with their confidence interval, as the Nordic trial-reporting study publishes them."""

import math

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
POISSON_EDGE = 2  # successes (or failures) up to which a bound is the Poisson one


def wilson_interval(successes: int, trials: int, *, z: float = Z_95) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of ``successes / trials`` as proportions (0–1), with the
    modification of Brown, Cai & DasGupta (2001) for counts near 0 or ``trials``, as the paper's
    tables (R, DescTools ``BinomCI(method = "modified wilson")``): with 1 or 2 successes (or
    failures) the bound on that side is the Poisson one. None when there are no trials.

    The paper's tables need exactly this: of their 381 intervals, plain Wilson misses 79 (those
    with 1 or 2 at an edge) and Brown's cut-off of 3 from 51 trials misses 2.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    p, z2 = successes / trials, z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    low, high = (centre - spread) / (1 + z2 / trials), (centre + spread) / (1 + z2 / trials)
    if 1 <= successes <= POISSON_EDGE:
        low = _poisson_lower(successes) / trials
    if 1 <= trials - successes <= POISSON_EDGE:
        high = 1 - _poisson_lower(trials - successes) / trials
    return max(0.0, low), min(1.0, high)


def _poisson_lower(count: int, *, alpha: float = 0.05) -> float:
    """The mean below which ``count`` or more events have probability under ``alpha``
    (half the ``alpha`` quantile of chi-square with ``2 * count`` degrees of freedom)."""
    low, high = 0.0, float(count)
    for _ in range(60):  # bisection to double precision
        mean = (low + high) / 2
        at_least = 1 - math.exp(-mean) * sum(mean**i / math.factorial(i) for i in range(count))
        low, high = (mean, high) if at_least < alpha else (low, mean)
    return (low + high) / 2


def percent(value: float) -> float:
    """A proportion as a percentage with one decimal, rounded as R rounds (half to even)."""
    return round(100 * value, 1)
