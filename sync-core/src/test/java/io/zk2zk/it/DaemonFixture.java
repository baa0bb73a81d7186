package io.zk2zk.it;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.LogSettings;
import io.zk2zk.config.RunOptions;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.config.Tuning;
import io.zk2zk.config.WatchMode;
import java.time.Duration;

/** Builds configurations for in-process daemons in tests. */
public final class DaemonFixture {
  private DaemonFixture() {}

  /** The sum of a counter of {@code d}'s metrics over its labels, as a scrape shows it. */
  public static double counter(io.zk2zk.SyncDaemon d, String name) {
    return d.metrics().registry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name))
        .flatMap(
            m ->
                ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m)
                    .getDataPoints().stream())
        .mapToDouble(
            io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot
                ::getValue)
        .sum();
  }

  public static SyncConfig config(
      DaemonKind kind, String src, String dst, String path, int intervalSeconds) {
    return config(kind, src, dst, path, intervalSeconds, WatchMode.AUTO);
  }

  public static SyncConfig config(
      DaemonKind kind, String src, String dst, String path, int intervalSeconds, WatchMode mode) {
    return new SyncConfig(
        kind,
        src,
        dst,
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        path,
        Duration.ofSeconds(intervalSeconds),
        Duration.ofSeconds(15),
        50,
        100,
        mode,
        SideSecurity.NONE,
        SideSecurity.NONE,
        false,
        Tuning.defaults(),
        new LogSettings(
            "info",
            "target/it-logs/runtime.log",
            "target/it-logs/monitor.log",
            30,
            3,
            false,
            false),
        RunOptions.DEFAULT);
  }
}
