"""The record cadence: full records at most hz per second and within their share of time
(driven by a fake clock)."""

from rnnviz.engine.record_cadence import RecordCadence


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(cadence: RecordCadence, clock: Clock, seconds: float, step: float, record_cost: float):
    fulls = 0
    while clock.now < seconds:
        full = cadence.due()
        fulls += full
        clock.now += step
        if full:
            clock.now += record_cost
            cadence.recorded(step + record_cost)
    return fulls


def test_cheap_records_come_at_hz():
    clock = Clock()
    fulls = run(RecordCadence(30, 0.2, clock), clock, 10.0, 0.001, 0.001)
    assert 290 <= fulls <= 301


def test_slow_records_keep_to_their_share_of_time():
    clock = Clock()
    cadence = RecordCadence(30, 0.2, clock)
    fulls = run(cadence, clock, 10.0, 0.001, 0.05)  # a record costs 51 ms
    # each record is followed by >= 51 ms / 0.2 = 255 ms: about 4 per second
    assert 35 <= fulls <= 41


def test_force_takes_a_full_record():
    clock = Clock()
    cadence = RecordCadence(30, 0.2, clock)
    assert cadence.due() is True
    assert cadence.due() is False
    assert cadence.due(force=True) is True
