package io.zk2zk.demo;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What the demo shows its user: steps, facts, checks with ✓/✗ and their timings. */
final class Console {

  private static final String INDENT = "      ";

  // UTF-8 regardless of the platform charset, so ✓ and 客户端迁移 survive a POSIX locale.
  private static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  // Set by the shutdown hook: after Ctrl-C the main thread's errors are noise, not findings.
  private static volatile boolean quiet;

  private Console() {}

  static synchronized void title(String text) {
    OUT.println(text);
  }

  static synchronized void step(int number, int total, String text) {
    OUT.println();
    OUT.printf(Locale.ROOT, "[%d/%d] %s%n", number, total, text);
  }

  static synchronized void info(String text) {
    OUT.println(text.isEmpty() ? "" : INDENT + text);
  }

  static synchronized void ok(String text, long millis) {
    OUT.printf(Locale.ROOT, "%s✓ %s (%d ms)%n", INDENT, text, millis);
  }

  static synchronized void ok(String text) {
    OUT.println(INDENT + "✓ " + text);
  }

  static synchronized void fail(String text) {
    if (!quiet) {
      OUT.println(INDENT + "✗ " + text);
    }
  }

  /** Prints even when quiet: the shutdown hook's own report. */
  static synchronized void always(String text) {
    OUT.println(text.isEmpty() ? "" : INDENT + text);
  }

  static void beQuiet() {
    quiet = true;
  }

  static boolean isQuiet() {
    return quiet;
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
