package io.zk2zk.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One of the packaged daemons ({@code all_sync} or {@code t_sync}) run as a child process. */
final class Daemon implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 15;

  private final String name;
  private final Process process;
  private final Path workDir;
  private final Path stdout;
  private final Path stderr;

  private Daemon(String name, Process process, Path workDir, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.workDir = workDir;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Runs {@code launcher start args...} in {@code workDir}, so that its relative {@code runtime/}
   * and {@code monitor/} logs land there as they would in a user's directory.
   */
  static Daemon start(String name, Path launcher, List<String> args, Path workDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.add("start");
    command.addAll(args);
    Path stdout = workDir.resolve(name + ".out");
    Path stderr = workDir.resolve(name + ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    LOG.info("started {} (pid {}): {}", name, process.pid(), command);
    return new Daemon(name, process, workDir, stdout, stderr);
  }

  /** What a one-shot command printed, and its exit code. */
  record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code launcher args...} in {@code workDir} to its end, as an operator runs {@code verify}
   * in a shell; a command still running after {@code timeout} is killed and reported as a failure.
   */
  static Result runOnce(Path launcher, List<String> args, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(args);
    Path out = Files.createTempFile(workDir, "once-", ".out");
    Path err = Files.createTempFile(workDir, "once-", ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new DemoFailure(command + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Throws when the daemon has exited although the demo still needs it. */
  void ensureRunning() {
    if (!process.isAlive()) {
      throw new DemoFailure(
          name
              + " exited unexpectedly with code "
              + process.exitValue()
              + "\n"
              + tails()
              + "\n      see "
              + logs());
    }
  }

  /** Stops the daemon as a user would (SIGTERM) and returns its exit code, or -1 if it hung. */
  int stop() throws InterruptedException {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    LOG.warn("{} ignored SIGTERM for {}; killing it", name, STOP_TIMEOUT);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor();
    return -1;
  }

  /** The files a user reads to see what this daemon did, relative to the current directory. */
  String logs() {
    return String.join(
        ", ",
        display(workDir.resolve("runtime").resolve(name + ".log")),
        display(workDir.resolve("monitor").resolve(name + ".log")),
        display(stdout),
        display(stderr));
  }

  private String tails() {
    StringBuilder out = new StringBuilder();
    for (Path file : List.of(stderr, stdout)) {
      List<String> lines = tail(file);
      if (!lines.isEmpty()) {
        out.append("      --- last lines of ").append(display(file)).append('\n');
        lines.forEach(line -> out.append("      | ").append(line).append('\n'));
      }
    }
    return out.toString().stripTrailing();
  }

  private static List<String> tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  static String display(Path path) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = path.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        int code = stop();
        Console.always("stopped " + name + " (pid " + process.pid() + "), exit code " + code);
      } catch (InterruptedException e) {
        // Interrupted while waiting for a clean stop: do not leave the daemon behind.
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
