package io.zk2zk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.config.DaemonKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** When progress lines are written, and where the ETA's expected total comes from. */
class ReconcileProgressTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final SyncMetrics metrics = new SyncMetrics(DaemonKind.ALL_SYNC);
  private Logger lineLog;
  private ListAppender<ILoggingEvent> captured;
  private ReconcileProgress progress;

  @BeforeEach
  void attach() {
    lineLog = (Logger) LoggerFactory.getLogger("test.progress");
    lineLog.setLevel(Level.INFO);
    lineLog.setAdditive(false);
    captured = new ListAppender<>();
    captured.setContext(lineLog.getLoggerContext());
    captured.start();
    lineLog.addAppender(captured);
    progress = new ReconcileProgress(Duration.ofSeconds(10), metrics, lineLog, now::get);
  }

  @AfterEach
  void detach() {
    lineLog.detachAppender(captured);
    captured.stop();
  }

  private List<String> lines() {
    return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aLineEveryIntervalOnlyWhileThePassRunsThatLong() throws InterruptedException {
    PassProgress pass = progress.begin(() -> 4_001);
    pass.read(1_000, 900);
    advance(Duration.ofSeconds(9));
    pass.maybeLog();
    assertThat(lines()).isEmpty();

    advance(Duration.ofSeconds(1));
    pass.changes(900);
    pass.maybeLog();
    pass.maybeLog();
    assertThat(lines())
        .containsExactly(
            "reconcile pass running 10 s: source 1000 of ~4001 nodes read (24%), target 900"
                + " nodes read, 900 changes, 100 nodes/s, ETA 31 s");

    pass.read(1_000, 1_000);
    advance(Duration.ofSeconds(9));
    pass.maybeLog();
    advance(Duration.ofSeconds(1));
    pass.maybeLog();
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1))
        .isEqualTo(
            "reconcile pass running 20 s: source 2000 of ~4001 nodes read (49%), target 1900"
                + " nodes read, 900 changes, 100 nodes/s, ETA 21 s");
  }

  @Test
  void laterPassesExpectWhatThePreviousOneRead() throws InterruptedException {
    PassProgress first = progress.begin(() -> -1);
    assertThat(first.expectedSource()).isNegative();
    first.read(3_000, 10);
    first.completed(2_999, 9, 2_990);
    first.ended();

    PassProgress second =
        progress.begin(
            () -> {
              throw new AssertionError("the server is asked only before the first complete pass");
            });
    assertThat(second.expectedSource()).isEqualTo(3_000);
  }

  @Test
  void anIncompletePassLeavesNoEstimate() throws InterruptedException {
    PassProgress cut = progress.begin(() -> -1);
    cut.read(500, 500);
    cut.ended();
    assertThat(progress.begin(() -> 42).expectedSource()).isEqualTo(42);
  }

  @Test
  void intervalProperty() {
    assertThat(ReconcileProgress.parseInterval(null)).isEqualTo(Duration.ofSeconds(10));
    assertThat(ReconcileProgress.parseInterval("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ReconcileProgress.parseInterval("0.25")).isEqualTo(Duration.ofMillis(250));
    assertThat(ReconcileProgress.parseInterval("0")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ReconcileProgress.parseInterval("ten")).isEqualTo(Duration.ofSeconds(10));
  }
}
