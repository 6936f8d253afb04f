"""A web process's own copies of the public responses it served last: bounded in bytes, the least
recently served let go first, and never kept past ten seconds."""

from sites.operations.near_cache import NEAR_SECONDS, NearCopies


class Clock:
    """Seconds as the test sets them (the copies read a monotonic clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_served_copy_goes_first_when_the_room_is_full(settings):
    settings.PUBLIC_RESPONSE_NEAR_BYTES = 1000
    copies = NearCopies()
    copies.put("front page", "A", 250)
    copies.put("helse-vest", "B", 250)
    copies.put("helse-nord", "C", 250)
    assert copies.get("front page") == "A"  # served again: now the most recent
    copies.put("oslo", "D", 250)
    copies.put("bergen", "E", 250)
    assert copies.get("helse-vest") is None
    assert [copies.get(key) for key in ("front page", "helse-nord", "oslo", "bergen")] == [
        "A",
        "C",
        "D",
        "E",
    ]
    assert copies.size == 1000


def test_an_answer_larger_than_a_quarter_of_the_room_is_left_to_the_shared_cache(settings):
    settings.PUBLIC_RESPONSE_NEAR_BYTES = 1000
    copies = NearCopies()
    copies.put("export", "big", 251)
    assert copies.get("export") is None and copies.size == 0


def test_no_room_keeps_nothing(settings):
    settings.PUBLIC_RESPONSE_NEAR_BYTES = 0
    copies = NearCopies()
    copies.put("front page", "A", 1)
    assert copies.get("front page") is None


def test_a_copy_is_let_go_ten_seconds_after_it_was_made(settings):
    settings.PUBLIC_RESPONSE_NEAR_BYTES = 1000
    clock = Clock()
    copies = NearCopies(clock)
    copies.put("front page", "A", 100)
    clock.now += NEAR_SECONDS - 0.5
    assert copies.get("front page") == "A"
    clock.now += 0.5
    assert copies.get("front page") is None
    assert copies.size == 0
