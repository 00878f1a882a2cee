from shared.backoff import backoff_delay


def test_doubles_from_the_base_and_stops_at_the_cap():
    assert [backoff_delay(n, 1.0, 10.0) for n in range(0, 7)] == [1.0, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_tiny_base_is_raised_to_the_floor():
    assert backoff_delay(1, 0.0, 5.0) == 0.05


def test_jitter_stays_within_its_band():
    seen = [backoff_delay(3, 1.0, 60.0, jitter=0.2) for _ in range(200)]
    assert all(3.2 <= d <= 4.8 for d in seen)
    assert len(set(seen)) > 1


def test_huge_failure_counts_do_not_overflow():
    assert backoff_delay(10_000, 1.0, 30.0) == 30.0


def test_background_loops_wait_twice_the_interval_after_a_failure_then_double_up_to_their_cap():
    from shared.loops import MAX_LOOP_BACKOFF, retry_delay

    assert [retry_delay(n, 1.0) for n in range(1, 6)] == [2.0, 4.0, 8.0, MAX_LOOP_BACKOFF, MAX_LOOP_BACKOFF]
    assert retry_delay(1, 0.2) == 0.4


def test_launcher_restarts_after_one_second_then_double_up_to_thirty():
    from mockcert.launcher import restart_delay

    assert [restart_delay(n) for n in range(0, 7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
