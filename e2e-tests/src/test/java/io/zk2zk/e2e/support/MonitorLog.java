package io.zk2zk.e2e.support;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The two kinds of monitor-log line of docs/cli-and-logs.md, as patterns and parsers. */
public final class MonitorLog {

  /** The progress line; its format is fixed byte for byte (after the timestamp and level). */
  public static final Pattern PROGRESS =
      Pattern.compile(
          "(?:^|\\s)SrcNodeCount: \\[(\\d+)\\]\\tDstNodeCount: \\[(\\d+)\\]"
              + "\\tChangedNodeCount: \\[(\\d+)\\]$");

  /** One progress line's numbers. */
  public record Progress(long src, long dst, long changed) {

    /** {@code SrcNodeCount = DstNodeCount} and no change: this daemon's side is in sync. */
    public boolean inSync() {
      return src == dst && changed == 0;
    }
  }

  private MonitorLog() {}

  /**
   * The audit line of one write: {@code <timestamp> INFO [OP]\t[RESULT]\t[EXTRA]\t[PATH]}, the
   * bracket part exact.
   */
  public static Pattern audit(String operation, String result, String extra, String path) {
    return Pattern.compile(
        "^\\S+ INFO "
            + Pattern.quote(
                "[" + operation + "]\t[" + result + "]\t[" + extra + "]\t[" + path + "]")
            + "$");
  }

  /** A successful create of {@code path} on the target, with an empty EXTRA field. */
  public static Pattern created(String path) {
    return audit("EventNodeCreated", "success", "", path);
  }

  /** A successful data change of {@code path} on the target. */
  public static Pattern dataChanged(String path) {
    return audit("EventNodeDataChanged", "success", "", path);
  }

  /** A successful delete of {@code path} on the target. */
  public static Pattern deleted(String path) {
    return audit("EventNodeDeleted", "success", "", path);
  }

  /** Waits until {@code daemon} has written {@code n} more progress lines, failing if it exits. */
  public static void awaitPasses(DaemonProcess daemon, int n, java.time.Duration within) {
    int before = progress(daemon.monitorLog()).size();
    org.awaitility.Awaitility.await(n + " more passes of " + daemon.kind())
        .atMost(within)
        .pollInterval(java.time.Duration.ofMillis(200))
        .failFast("the daemon exited", () -> !daemon.isAlive())
        .until(() -> progress(daemon.monitorLog()).size() >= before + n);
  }

  /** How many lines match. */
  public static long count(List<String> lines, Pattern pattern) {
    return lines.stream().filter(line -> pattern.matcher(line).find()).count();
  }

  /** The index of the first matching line, or -1. */
  public static int indexOf(List<String> lines, Pattern pattern) {
    for (int i = 0; i < lines.size(); i++) {
      if (pattern.matcher(lines.get(i)).find()) {
        return i;
      }
    }
    return -1;
  }

  /** All progress lines, in order. */
  public static List<Progress> progress(List<String> lines) {
    return lines.stream().map(MonitorLog::parseProgress).flatMap(Optional::stream).toList();
  }

  /** The newest progress line, if any. */
  public static Optional<Progress> lastProgress(List<String> lines) {
    List<Progress> all = progress(lines);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private static Optional<Progress> parseProgress(String line) {
    Matcher m = PROGRESS.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Progress(
            Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
  }
}
