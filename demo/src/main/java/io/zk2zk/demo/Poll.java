package io.zk2zk.demo;

import java.time.Duration;
import org.apache.zookeeper.KeeperException;

/** Waits for something the daemons are expected to make true, by polling it until a deadline. */
final class Poll {

  // The demo measures propagation delays of a few milliseconds, so it polls often.
  private static final long INTERVAL_MS = 5;

  /** A fact to observe; ZooKeeper errors count as "not yet" until the deadline. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws KeeperException, InterruptedException;
  }

  /** The awaited fact did not come true in time (as opposed to the guard giving up early). */
  static final class Timeout extends DemoFailure {
    Timeout(String message) {
      super(message);
    }
  }

  private final Runnable guard;

  /** {@code guard} runs at every poll and throws a {@link DemoFailure} if waiting is pointless. */
  Poll(Runnable guard) {
    this.guard = guard;
  }

  /** Returns the milliseconds it took until {@code condition} held. */
  long await(String what, Duration timeout, Condition condition) throws InterruptedException {
    return await(what, timeout, System.nanoTime(), condition);
  }

  /**
   * Returns the milliseconds from {@code since} (a {@link System#nanoTime()} taken just before the
   * action whose effect is awaited) until {@code condition} held.
   */
  long await(String what, Duration timeout, long since, Condition condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    KeeperException lastError = null;
    while (true) {
      try {
        if (condition.holds()) {
          return (System.nanoTime() - since) / 1_000_000;
        }
      } catch (KeeperException e) {
        lastError = e;
      }
      guard.run();
      if (System.nanoTime() - deadline > 0) {
        throw new Timeout(
            what
                + ": not observed within "
                + timeout.toSeconds()
                + " s"
                + (lastError == null ? "" : " (last ZooKeeper error: " + lastError + ")"));
      }
      Thread.sleep(INTERVAL_MS);
    }
  }
}
