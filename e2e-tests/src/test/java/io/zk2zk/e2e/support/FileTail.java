package io.zk2zk.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads log files that another process is still writing. */
public final class FileTail {

  private FileTail() {}

  /** The whole file as UTF-8 (malformed bytes replaced), or "" when it does not exist yet. */
  public static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The complete lines of the file: a last line without its newline is still being written and is
   * left out, so that a reader never matches half a line.
   */
  public static List<String> completeLines(Path file) {
    String text = read(file);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return List.of();
    }
    List<String> lines = new ArrayList<>(Arrays.asList(text.substring(0, end).split("\n", -1)));
    lines.replaceAll(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    return lines;
  }

  /** The last {@code count} lines of the file, for failure reports. */
  public static String tail(Path file, int count) {
    String[] lines = read(file).split("\n", -1);
    int from = Math.max(0, lines.length - count);
    return String.join("\n", Arrays.asList(lines).subList(from, lines.length));
  }
}
