package io.zk2zk.e2e.bench;

import io.zk2zk.e2e.support.FourLetterWords;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the bench reads from outside a process: peak RSS, watches held, GC pauses. */
final class ProcessMeters {

  private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB");
  private static final Pattern TOTAL_WATCHES = Pattern.compile("Total watches:\\s*(\\d+)");
  // unified logging, -Xlog:gc: "[1.234s][info][gc] GC(3) Pause Young (Normal) ... 12.345ms"
  private static final Pattern PAUSE = Pattern.compile("\\bPause (\\w+).*?(\\d+(?:\\.\\d+)?)ms$");

  private ProcessMeters() {}

  /** Peak resident set size of a process in MB ({@code VmHWM} of /proc/PID/status). */
  static long peakRssMb(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    Matcher m = VM_HWM.matcher(status);
    if (!m.find()) {
      throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status");
    }
    return Long.parseLong(m.group(1)) / 1024;
  }

  /** CPU time (user + system) a process has used so far, in seconds (/proc/PID/stat). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks / 100.0; // USER_HZ is 100 on Linux
  }

  /** The threads of a process that used the most CPU, for the bench's output (diagnosis). */
  static String busiestThreads(long pid, int n) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> tasks =
        Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.add(
              String.format(java.util.Locale.ROOT, "%06d %s u%s s%s", ticks, name, f[11], f[12]));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    out.sort(java.util.Comparator.reverseOrder());
    return String.join(", ", out.subList(0, Math.min(n, out.size())));
  }

  /** The pid of a server's JVM: the child process whose command line names its config. */
  static long pid(ZkServerProcess server) {
    String config = server.dir().resolve("zoo.cfg").toString();
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(config)).orElse(false))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no process for " + server))
        .pid();
  }

  /** CPU seconds used by a set of processes, from when it was created. */
  static final class Cpu {
    private final long[] pids;
    private final double[] start;

    Cpu(long... pids) throws IOException {
      this.pids = pids;
      this.start = each();
    }

    private double[] each() throws IOException {
      double[] out = new double[pids.length];
      for (int i = 0; i < pids.length; i++) {
        out[i] = cpuSeconds(pids[i]);
      }
      return out;
    }

    /** CPU seconds each process used since creation, in the order given. */
    double[] usedEach() throws IOException {
      double[] now = each();
      for (int i = 0; i < now.length; i++) {
        now[i] -= start[i];
      }
      return now;
    }

    /** CPU seconds used since creation, all processes together. */
    double used() throws IOException {
      double sum = 0;
      for (double d : usedEach()) {
        sum += d;
      }
      return sum;
    }
  }

  /**
   * Watches the server holds for all its sessions: the {@code wchs} four-letter word, or on 3.4,
   * whose {@code wchs} counts only data watches, {@code mntr}'s {@code zk_watch_count} (data and
   * child watches).
   */
  static long watches(ZkServerProcess server) throws IOException {
    return server.version().startsWith("3.4")
        ? FourLetterWords.number(server.clientPort(), "mntr", FourLetterWords.MNTR_WATCH_COUNT)
        : FourLetterWords.number(server.clientPort(), "wchs", TOTAL_WATCHES);
  }

  /** GC pauses of a {@code -Xlog:gc:file=...} log. */
  record GcSummary(int pauses, double pauseMs, int fullGcs) {
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT, "GC %d pauses, %.0f ms, %d full", pauses, pauseMs, fullGcs);
    }
  }

  static GcSummary gc(Path gcLog) throws IOException {
    List<String> lines = Files.readAllLines(gcLog);
    int pauses = 0;
    int full = 0;
    double ms = 0;
    for (String line : lines) {
      Matcher m = PAUSE.matcher(line.trim());
      if (m.find()) {
        pauses++;
        ms += Double.parseDouble(m.group(2));
        if ("Full".equals(m.group(1))) {
          full++;
        }
      }
    }
    return new GcSummary(pauses, ms, full);
  }
}
