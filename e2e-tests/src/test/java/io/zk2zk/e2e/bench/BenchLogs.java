package io.zk2zk.e2e.bench;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.MonitorLog;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/** What the bench reads from a daemon's own files: log timestamps, progress lines, GC log. */
final class BenchLogs {

  /** File name of the daemon's {@code -Xlog:gc} output, in its working directory. */
  static final String GC_LOG = "gc.log";

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private BenchLogs() {}

  /** When the first reconcile pass started (epoch ms), from the runtime log's timestamp. */
  static long firstPassStart(DaemonProcess daemon) {
    for (String line : daemon.runtimeLog().split("\n")) {
      if (line.contains("reconcile pass starting")) {
        return OffsetDateTime.parse(line.substring(0, line.indexOf(' ')), TIMESTAMP)
            .toInstant()
            .toEpochMilli();
      }
    }
    throw new AssertionError("no reconcile pass started\n" + daemon.diagnostics());
  }

  /** The progress lines written so far. */
  static List<MonitorLog.Progress> progress(DaemonProcess daemon) {
    List<MonitorLog.Progress> out = new ArrayList<>();
    for (String line : daemon.monitorLog()) {
      Matcher m = MonitorLog.PROGRESS.matcher(line);
      if (m.find()) {
        out.add(
            new MonitorLog.Progress(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3))));
      }
    }
    return out;
  }

  static ProcessMeters.GcSummary gcSummary(DaemonProcess daemon) throws IOException {
    return ProcessMeters.gc(daemon.workDir().resolve(GC_LOG));
  }

  static String gc(DaemonProcess daemon) throws IOException {
    return gcSummary(daemon).toString();
  }
}
