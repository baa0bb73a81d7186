package io.zk2zk.e2e.bench;

import io.zk2zk.e2e.support.Zk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Another client of S, as production clients are: one {@code getData} at a time on random nodes,
 * each timed. What a reconcile pass costs S's clients is the difference between its latencies while
 * a pass runs and while S is idle.
 */
final class SourceProbe {

  /** The latencies of one measurement, in milliseconds. */
  record Latencies(List<Double> millis) {
    double percentile(double p) {
      List<Double> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p / 100 * sorted.size())));
    }

    /** "p50 / p99 = a / b ms (n reads)". */
    String describe() {
      return String.format(
          Locale.ROOT,
          "p50 / p99 = %.2f / %.2f ms (%,d reads)",
          percentile(50),
          percentile(99),
          millis.size());
    }
  }

  private SourceProbe() {}

  /**
   * Reads random paths of {@code paths} on {@code s} for {@code how long}, or until {@code stop}.
   */
  static Latencies measure(Zk s, List<String> paths, Duration howLong, BooleanSupplier stop)
      throws Exception {
    List<Double> millis = new ArrayList<>();
    long end = System.nanoTime() + howLong.toNanos();
    while (System.nanoTime() < end && !stop.getAsBoolean()) {
      String p = paths.get(ThreadLocalRandom.current().nextInt(paths.size()));
      long t0 = System.nanoTime();
      s.raw().getData(p, false, null);
      millis.add((System.nanoTime() - t0) / 1e6);
    }
    return new Latencies(millis);
  }
}
