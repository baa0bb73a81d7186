package io.zk2zk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The runtime log's progress line of a running reconcile pass, byte for byte. */
class ProgressLineTest {

  @Test
  void lineWithAnEstimateShowsShareRateAndEta() {
    // 123456 nodes in 20 s = 6172.8 nodes/s; 876544 left at that rate = 142.0 s, rounded up
    assertThat(ProgressLine.format(Duration.ofSeconds(20), 123_456, 1_000_000, 120_000, 3_456))
        .isEqualTo(
            "reconcile pass running 20 s: source 123456 of ~1000000 nodes read (12%),"
                + " target 120000 nodes read, 3456 changes, 6173 nodes/s, ETA 2 min 23 s");
  }

  @Test
  void lineWithoutAnEstimateSaysEtaUnknown() {
    assertThat(ProgressLine.format(Duration.ofSeconds(10), 5_000, -1, 0, 5_000))
        .isEqualTo(
            "reconcile pass running 10 s: source 5000 nodes read, target 0 nodes read,"
                + " 5000 changes, 500 nodes/s, ETA unknown");
  }

  @Test
  void aTreeThatGrewPastTheEstimateHasNoShareNorEta() {
    assertThat(ProgressLine.format(Duration.ofSeconds(10), 1_200, 1_000, 1_100, 0))
        .isEqualTo(
            "reconcile pass running 10 s: source 1200 nodes read, target 1100 nodes read,"
                + " 0 changes, 120 nodes/s, ETA unknown");
  }

  @Test
  void nothingReadYetHasNoRateAndSoNoEta() {
    assertThat(ProgressLine.format(Duration.ofSeconds(12), 0, 50_000, 0, 0))
        .isEqualTo(
            "reconcile pass running 12 s: source 0 of ~50000 nodes read (0%),"
                + " target 0 nodes read, 0 changes, 0 nodes/s, ETA unknown");
  }

  @Test
  void rateIsNodesPerSecondAndZeroBeforeAnyTimePassed() {
    assertThat(ProgressLine.rate(1_000, Duration.ofMillis(500))).isEqualTo(2_000.0);
    assertThat(ProgressLine.rate(1_000, Duration.ZERO)).isZero();
  }

  @Test
  void etaRoundsUpAndNeedsARate() {
    assertThat(ProgressLine.eta(1_000, 300)).isEqualTo("4 s");
    assertThat(ProgressLine.eta(0, 300)).isEqualTo("0 s");
    assertThat(ProgressLine.eta(1_000, 0)).isEqualTo("unknown");
    assertThat(ProgressLine.eta(90_000, 1_000)).isEqualTo("1 min 30 s");
  }

  @Test
  void durationsAreAsPreciseAsAnOperatorNeeds() {
    assertThat(ProgressLine.duration(Duration.ofMillis(999))).isEqualTo("0 s");
    assertThat(ProgressLine.duration(Duration.ofSeconds(59))).isEqualTo("59 s");
    assertThat(ProgressLine.duration(Duration.ofSeconds(60))).isEqualTo("1 min 00 s");
    assertThat(ProgressLine.duration(Duration.ofSeconds(185))).isEqualTo("3 min 05 s");
    assertThat(ProgressLine.duration(Duration.ofSeconds(3599))).isEqualTo("59 min 59 s");
    assertThat(ProgressLine.duration(Duration.ofSeconds(7380 + 59))).isEqualTo("2 h 03 min");
    assertThat(ProgressLine.duration(Duration.ofHours(30))).isEqualTo("30 h 00 min");
  }
}
