package io.zk2zk.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of the full reconcile passes of one daemon: a runtime-log line every interval while a
 * pass runs (only if it runs that long), an ETA from the node count expected on the source, and the
 * pass totals for the metrics.
 */
public final class ReconcileProgress {

  /** System property: seconds between two progress lines of a running pass (decimals allowed). */
  public static final String INTERVAL_PROPERTY = "zk2zk.progressInterval";

  /** Between two progress lines unless {@link #INTERVAL_PROPERTY} says otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ReconcileProgress.class);

  private final Duration interval;
  private final SyncMetrics metrics;
  private final Logger lineLog;
  private final LongSupplier nanoClock;
  // source nodes the last complete pass read: the next pass's estimate
  private volatile long lastSourceCount = -1;

  /**
   * @param metrics told when passes start and end; null for none
   * @param lineLog where the progress lines go (the reconcile pass's own logger)
   */
  public ReconcileProgress(Duration interval, SyncMetrics metrics, Logger lineLog) {
    this(interval, metrics, lineLog, System::nanoTime);
  }

  ReconcileProgress(
      Duration interval, SyncMetrics metrics, Logger lineLog, LongSupplier nanoClock) {
    this.interval = interval;
    this.metrics = metrics;
    this.lineLog = lineLog;
    this.nanoClock = nanoClock;
  }

  /**
   * The interval set with {@code -Dzk2zk.progressInterval=SECONDS} (in {@code JAVA_OPTS}), or the
   * default; a value that is not a positive number is reported and ignored.
   */
  public static Duration intervalFromSystemProperty() {
    return parseInterval(System.getProperty(INTERVAL_PROPERTY));
  }

  static Duration parseInterval(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_INTERVAL;
    }
    try {
      BigDecimal seconds = new BigDecimal(value.trim());
      if (seconds.signum() > 0) {
        return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // reported below
    }
    log.warn(
        "-D{}={} is not a positive number of seconds; using {} s",
        INTERVAL_PROPERTY,
        value,
        DEFAULT_INTERVAL.toSeconds());
    return DEFAULT_INTERVAL;
  }

  /**
   * A pass starts.
   *
   * @param firstEstimate the nodes expected on the source, asked only while no pass has completed
   *     (later passes use the previous pass's count); negative when unknown
   */
  public PassProgress begin(EstimateSupplier firstEstimate) throws InterruptedException {
    long expected = lastSourceCount >= 0 ? lastSourceCount : firstEstimate.get();
    PassProgress p = new PassProgress(this, lineLog, nanoClock, interval, expected);
    if (metrics != null) {
      metrics.passStarted(p);
    }
    return p;
  }

  /** Counts the nodes expected on the source; may ask the server. */
  @FunctionalInterface
  public interface EstimateSupplier {
    long get() throws InterruptedException;
  }

  void completed(PassProgress p, long source, long target, long changed, Duration took) {
    lastSourceCount = p.sourceRead();
    if (metrics != null) {
      metrics.passCompleted(source, target, changed, took);
      metrics.passEnded(p);
    }
  }

  void ended(PassProgress p) {
    if (metrics != null) {
      metrics.passEnded(p);
    }
  }
}
