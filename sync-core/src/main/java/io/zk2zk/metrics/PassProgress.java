package io.zk2zk.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What one full reconcile pass has done so far. Written by the reconcile thread only; the counts
 * are volatile because a metrics scrape reads them meanwhile.
 */
public final class PassProgress {

  private final ReconcileProgress owner;
  private final Logger log;
  private final LongSupplier nanoClock;
  private final long started;
  private final long expectedSource;
  private final long intervalNanos;
  private long nextReport;
  private volatile long sourceRead;
  private volatile long targetRead;
  private volatile long changes;
  private boolean ended;

  PassProgress(
      ReconcileProgress owner,
      Logger log,
      LongSupplier nanoClock,
      Duration interval,
      long expectedSource) {
    this.owner = owner;
    this.log = log;
    this.nanoClock = nanoClock;
    this.started = nanoClock.getAsLong();
    this.intervalNanos = interval.toNanos();
    this.nextReport = started + intervalNanos;
    this.expectedSource = expectedSource;
  }

  /** Adds nodes read (found to exist) on each side. */
  public void read(long source, long target) {
    // one writer: the reconcile thread
    sourceRead += source;
    targetRead += target;
  }

  /** The pass's ChangedNodeCount so far. */
  public void changes(long total) {
    changes = total;
  }

  /** Logs the progress line if the interval has passed since the start or the last line. */
  public void maybeLog() {
    long now = nanoClock.getAsLong();
    if (now - nextReport < 0) {
      return;
    }
    nextReport = now + intervalNanos;
    log.info(
        ProgressLine.format(
            Duration.ofNanos(now - started), sourceRead, expectedSource, targetRead, changes));
  }

  long sourceRead() {
    return sourceRead;
  }

  long targetRead() {
    return targetRead;
  }

  /** Nodes the source was expected to hold at the start of the pass; negative when unknown. */
  public long expectedSource() {
    return expectedSource;
  }

  /** The pass completed with these totals: they become the metrics, and the next estimate. */
  public void completed(long source, long target, long changed) {
    if (ended) {
      return;
    }
    ended = true;
    owner.completed(
        this, source, target, changed, Duration.ofNanos(nanoClock.getAsLong() - started));
  }

  /** The pass ended, complete or not (call in a finally). */
  public void ended() {
    ended = true;
    owner.ended(this);
  }
}
