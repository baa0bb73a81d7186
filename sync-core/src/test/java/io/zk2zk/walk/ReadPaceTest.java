package io.zk2zk.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A periodic pass's pace, on a clock the test moves: chunks wait until their reads are due. */
class ReadPaceTest {

  private long now = 1_000;
  private final List<Long> slept = new ArrayList<>();

  private ReadPace pace(long perSecond) {
    return new ReadPace(
        perSecond,
        () -> now,
        nanos -> {
          slept.add(nanos);
          now += nanos;
        });
  }

  @Test
  void chunksAreSpreadSoThatTheRateIsNotExceeded() throws Exception {
    ReadPace pace = pace(1_000); // a node a millisecond
    pace.before(500); // the first chunk goes at once
    pace.before(500); // due 500 ms after the start
    now += 100_000_000; // the walk spent 100 ms on it
    pace.before(500); // due at 1 s: 400 ms left
    assertThat(slept).containsExactly(500_000_000L, 400_000_000L);
  }

  @Test
  void aWalkSlowerThanThePaceNeverWaits() throws Exception {
    ReadPace pace = pace(1_000);
    for (int i = 0; i < 5; i++) {
      pace.before(100);
      now += 200_000_000; // 100 nodes in 200 ms: half the allowed rate
    }
    assertThat(slept).isEmpty();
  }

  @Test
  void noLimitNeverWaits() throws Exception {
    ReadPace pace = pace(0);
    for (int i = 0; i < 5; i++) {
      pace.before(1_000_000);
    }
    assertThat(slept).isEmpty();
    assertThat(ReadPace.NONE.limits()).isFalse();
  }
}
