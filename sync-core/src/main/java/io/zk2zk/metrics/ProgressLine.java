package io.zk2zk.metrics;

import java.time.Duration;

/**
 * The runtime-log line of a reconcile pass in progress, for example {@code reconcile pass running
 * 20 s: source 123456 of ~1000000 nodes read (12%), target 120000 nodes read, 3456 changes, 6172
 * nodes/s, ETA 2 min 22 s}. Pure: no clock, no I/O.
 */
public final class ProgressLine {

  private ProgressLine() {}

  /**
   * @param elapsed since the pass started
   * @param sourceRead nodes read on the source so far
   * @param expectedSource nodes expected on the source, or a negative number when unknown
   * @param targetRead nodes read on the target so far
   * @param changes writes decided so far (ChangedNodeCount so far)
   */
  public static String format(
      Duration elapsed, long sourceRead, long expectedSource, long targetRead, long changes) {
    double rate = rate(sourceRead, elapsed);
    // a tree that grew past the estimate has no meaningful share or ETA left
    boolean known = expectedSource > 0 && sourceRead < expectedSource;
    StringBuilder b = new StringBuilder("reconcile pass running ").append(duration(elapsed));
    b.append(": source ").append(sourceRead);
    if (known) {
      b.append(" of ~").append(expectedSource).append(" nodes read (");
      b.append(sourceRead * 100 / expectedSource).append("%)");
    } else {
      b.append(" nodes read");
    }
    b.append(", target ").append(targetRead).append(" nodes read, ");
    b.append(changes).append(" changes, ");
    b.append(Math.round(rate)).append(" nodes/s, ETA ");
    b.append(known ? eta(expectedSource - sourceRead, rate) : "unknown");
    return b.toString();
  }

  /** Nodes per second; 0 before any time has passed. */
  public static double rate(long nodes, Duration elapsed) {
    long nanos = elapsed.toNanos();
    return nanos <= 0 ? 0 : nodes * 1e9 / nanos;
  }

  /** Time left for {@code remaining} nodes at {@code rate} nodes/s; "unknown" without a rate. */
  public static String eta(long remaining, double rate) {
    if (rate <= 0 || remaining < 0) {
      return "unknown";
    }
    return duration(Duration.ofSeconds((long) Math.ceil(remaining / rate)));
  }

  /** {@code 42 s}, {@code 3 min 05 s}, {@code 2 h 03 min}: as precise as an operator needs. */
  public static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format("%d min %02d s", s / 60, s % 60);
    }
    return String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
