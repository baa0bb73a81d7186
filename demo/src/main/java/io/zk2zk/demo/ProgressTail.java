package io.zk2zk.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the daemons' monitor logs like {@code tail -f monitor/*.log | grep SrcNodeCount} and
 * keeps every progress line, so the demo can wait for "in sync" exactly as a user would.
 */
final class ProgressTail implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressTail.class);
  private static final long INTERVAL_MS = 50;

  // The format that docs/cli-and-logs.md fixes byte for byte; anything before it is the log prefix.
  private static final Pattern PROGRESS =
      Pattern.compile(
          "SrcNodeCount: \\[(\\d+)]\\tDstNodeCount: \\[(\\d+)]\\tChangedNodeCount: \\[(\\d+)]");

  /** One progress line: the counts of one full reconcile pass, seen at {@code seenNanos}. */
  record Progress(long src, long dst, long changed, String text, long seenNanos) {
    boolean inSync() {
      return src == dst && changed == 0;
    }
  }

  private static final class Followed {
    final Path file;
    long offset;
    final List<Progress> lines = new ArrayList<>();

    Followed(Path file) {
      this.file = file;
    }
  }

  private final Map<String, Followed> followed = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean echo = true;
  private volatile boolean running = true;

  /** Starts following {@code monitor/<daemon>.log} under {@code workDir} for each daemon. */
  ProgressTail(Path workDir, List<String> daemons) {
    for (String daemon : daemons) {
      followed.put(daemon, new Followed(workDir.resolve("monitor").resolve(daemon + ".log")));
    }
    thread = new Thread(this::run, "monitor-log-tail");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether new progress lines are printed as they appear. */
  void echo(boolean on) {
    echo = on;
  }

  /** The number of progress lines {@code daemon} has written so far. */
  synchronized int count(String daemon) {
    return followed.get(daemon).lines.size();
  }

  /** The first progress line of {@code daemon}, or null before its first pass ended. */
  synchronized Progress first(String daemon) {
    List<Progress> lines = followed.get(daemon).lines;
    return lines.isEmpty() ? null : lines.get(0);
  }

  /** The latest progress line of {@code daemon}, or null before its first pass ended. */
  synchronized Progress last(String daemon) {
    List<Progress> lines = followed.get(daemon).lines;
    return lines.isEmpty() ? null : lines.get(lines.size() - 1);
  }

  private void run() {
    while (running) {
      for (Map.Entry<String, Followed> entry : followed.entrySet()) {
        try {
          readNew(entry.getKey(), entry.getValue());
        } catch (IOException e) {
          LOG.debug("cannot read {} yet", entry.getValue().file, e);
        }
      }
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void readNew(String daemon, Followed f) throws IOException {
    if (!Files.exists(f.file)) {
      return;
    }
    long size = Files.size(f.file);
    if (size < f.offset) {
      f.offset = 0; // rotated or truncated: start over on the new file
    }
    if (size == f.offset) {
      return;
    }
    byte[] chunk;
    try (RandomAccessFile in = new RandomAccessFile(f.file.toFile(), "r")) {
      in.seek(f.offset);
      chunk = new byte[(int) Math.min(size - f.offset, 1 << 20)];
      in.readFully(chunk);
    }
    // Only whole lines: the daemon may be in the middle of writing the last one.
    int end = chunk.length;
    while (end > 0 && chunk[end - 1] != '\n') {
      end--;
    }
    if (end == 0) {
      return;
    }
    f.offset += end;
    for (String line : new String(chunk, 0, end, StandardCharsets.UTF_8).split("\n")) {
      Matcher m = PROGRESS.matcher(line);
      if (m.find()) {
        Progress p =
            new Progress(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)),
                line.substring(m.start()).stripTrailing(),
                System.nanoTime());
        synchronized (this) {
          f.lines.add(p);
        }
        if (echo) {
          Console.info(String.format("%-9s %s", daemon, p.text().replace("\t", "  ")));
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
