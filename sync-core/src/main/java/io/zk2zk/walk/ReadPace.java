package io.zk2zk.walk;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a walk's reads of the source: at most {@code perSecond} nodes a second, so that a periodic
 * pass over a production source is not felt by its other clients. Used by the walk's one thread.
 */
public final class ReadPace {

  /** No limit: the first pass, a pass after a reconnect, verify. */
  public static final ReadPace NONE = new ReadPace(0);

  /** Waits a number of nanoseconds. */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final long perSecond;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private long started = -1;
  private long read;

  /**
   * @param perSecond nodes a second at most; 0 for no limit
   */
  public ReadPace(long perSecond) {
    this(perSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  ReadPace(long perSecond, LongSupplier clock, Sleeper sleeper) {
    this.perSecond = perSecond;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Waits, if need be, until {@code nodes} more may be read. */
  public void before(int nodes) throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    long now = clock.getAsLong();
    if (started < 0) {
      started = now;
    }
    long due = started + read * 1_000_000_000L / perSecond;
    if (due > now) {
      sleeper.sleep(due - now);
    }
    read += nodes;
  }

  /** Whether it limits anything. */
  public boolean limits() {
    return perSecond > 0;
  }
}
