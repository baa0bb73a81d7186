package io.zk2zk.dubbo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link DubboApp} in its own JVM, stopped by {@link #close()} whatever the test's outcome. */
final class DubboProcess implements AutoCloseable {

  private final Process process;
  private final Path output;
  private final String name;

  private DubboProcess(Process process, Path output, String name) {
    this.process = process;
    this.output = output;
    this.name = name;
  }

  /** Starts {@code DubboApp} with {@code args}, its output in {@code dir/<name>.log}. */
  static DubboProcess start(Path dir, String name, String... args) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DubboApp.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = builder.start();
    return new DubboProcess(p, out, name);
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the exit code; -1 if the process still runs after {@code timeout}. */
  int waitForExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** The last lines of its output, for a failure message. */
  String diagnostics() {
    List<String> lines = output().lines().toList();
    return "---- "
        + name
        + ":\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
