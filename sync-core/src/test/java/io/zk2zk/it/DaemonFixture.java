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
