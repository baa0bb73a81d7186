package io.zk2zk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** /health: unhealthy only once a side has been away for longer than its session timeout. */
class HealthCheckTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final HealthCheck health = new HealthCheck(now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void healthyWhileConnectedAndDuringAShortDisconnection() {
    HealthCheck.Side source = health.add("source", "s1:2181", Duration.ofSeconds(10));
    HealthCheck.Side target = health.add("target", "t1:2181", Duration.ofSeconds(4));
    source.connected(true);
    target.connected(true);
    assertThat(health.status()).isEqualTo(new HealthCheck.Status(true, "ok"));

    target.connected(false);
    advance(Duration.ofSeconds(4));
    assertThat(health.status().healthy()).isTrue();
  }

  @Test
  void unhealthyOnceDisconnectedLongerThanTheSessionTimeoutThenHealthyAgain() {
    HealthCheck.Side source = health.add("source", "s1:2181", Duration.ofSeconds(10));
    HealthCheck.Side target = health.add("target", "t1:2181,t2:2181", Duration.ofSeconds(4));
    source.connected(true);
    target.connected(true);
    advance(Duration.ofMinutes(5));

    target.connected(false);
    advance(Duration.ofMillis(4_001));
    assertThat(health.status())
        .isEqualTo(
            new HealthCheck.Status(
                false,
                "target t1:2181,t2:2181 disconnected for 4 s, longer than its session timeout"
                    + " (4 s)"));
    // repeated disconnect reports do not restart the clock
    target.connected(false);
    advance(Duration.ofSeconds(8));
    assertThat(health.status().reason()).startsWith("target t1:2181,t2:2181 disconnected for 12 s");

    target.connected(true);
    assertThat(health.status()).isEqualTo(new HealthCheck.Status(true, "ok"));
  }

  @Test
  void aSideThatNeverConnectedCountsFromTheStart() {
    health.add("source", "s1:2181", Duration.ofSeconds(10)).connected(true);
    health.add("target", "t1:2181", Duration.ofSeconds(10));
    advance(Duration.ofSeconds(10));
    assertThat(health.status().healthy()).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(health.status().reason())
        .isEqualTo("target t1:2181 not connected for 11 s, longer than its session timeout (10 s)");
  }

  @Test
  void reportsEachSidesConnectionForTheGauge() {
    health.add("source", "s1:2181", Duration.ofSeconds(10)).connected(true);
    health.add("target", "t1:2181", Duration.ofSeconds(10));
    Map<String, Boolean> seen = new LinkedHashMap<>();
    health.forEach(seen::put);
    assertThat(seen).containsExactly(Map.entry("source", true), Map.entry("target", false));
  }
}
