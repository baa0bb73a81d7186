package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code all_sync} or {@code t_sync} run as a user runs it: the launcher from the dist folder,
 * started in a working directory of its own, so that its relative {@code runtime/} and {@code
 * monitor/} logs land there.
 */
public final class DaemonProcess implements AutoCloseable {

  /** The two daemons, by launcher name. */
  public enum Kind {
    /** Copies S to T. */
    ALL_SYNC("all_sync"),
    /** Copies T's ephemeral nodes to S. */
    T_SYNC("t_sync");

    private final String launcherName;

    Kind(String launcherName) {
      this.launcherName = launcherName;
    }

    /** {@code all_sync} or {@code t_sync}: the launcher file and the default log file name. */
    public String launcherName() {
      return launcherName;
    }
  }

  /**
   * Default heap for the daemon under test: fixed, so that runs do not depend on the machine's
   * memory (the JVM default is a quarter of it).
   */
  public static final String DEFAULT_JAVA_OPTS = "-Xmx512m";

  private static final Duration KILL_WAIT = Duration.ofSeconds(30);

  private final Kind kind;
  private final Path workDir;
  private final List<String> args;
  private final Path stdoutFile;
  private final Path stderrFile;
  private final Process process;

  private DaemonProcess(
      Kind kind, Path launcher, Path workDir, List<String> args, Map<String, String> env)
      throws IOException {
    this.kind = kind;
    this.workDir = workDir.toAbsolutePath();
    this.args = List.copyOf(args);
    Files.createDirectories(this.workDir);
    this.stdoutFile = this.workDir.resolve(kind.launcherName() + ".stdout.txt");
    this.stderrFile = this.workDir.resolve(kind.launcherName() + ".stderr.txt");
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(this.workDir.toFile())
            .redirectOutput(stdoutFile.toFile())
            .redirectError(stderrFile.toFile());
    // The launcher honours JAVA_HOME: run the daemon on the JVM that runs the tests.
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    this.process = builder.start();
  }

  /** A builder for {@code kind} run in {@code workDir}. */
  public static Builder builder(Kind kind, Path workDir) {
    return new Builder(kind, workDir);
  }

  /** Collects the arguments and environment of one daemon run. */
  public static final class Builder {
    private final Kind kind;
    private final Path workDir;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path launcher;

    private Builder(Kind kind, Path workDir) {
      this.kind = kind;
      this.workDir = workDir;
      env.put("JAVA_OPTS", DEFAULT_JAVA_OPTS);
    }

    /** Appends command-line arguments (the first is usually {@code start}). */
    public Builder args(String... more) {
      args.addAll(Arrays.asList(more));
      return this;
    }

    /** Appends command-line arguments. */
    public Builder args(List<String> more) {
      args.addAll(more);
      return this;
    }

    /** Runs this launcher instead of the one in {@link E2EConfig#dist()} (an unpacked package). */
    public Builder launcher(Path other) {
      launcher = other;
      return this;
    }

    /** Sets {@code JAVA_OPTS} (replacing {@link #DEFAULT_JAVA_OPTS}). */
    public Builder javaOpts(String javaOpts) {
      return env("JAVA_OPTS", javaOpts);
    }

    /** Sets one environment variable of the launcher. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Starts the launcher. */
    public DaemonProcess start() {
      try {
        Path chosen = launcher != null ? launcher : E2EConfig.launcher(kind.launcherName());
        return new DaemonProcess(kind, chosen, workDir, args, env);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + kind.launcherName() + " " + args, e);
      }
    }
  }

  /** Which daemon this is. */
  public Kind kind() {
    return kind;
  }

  /** The directory it runs in. */
  public Path workDir() {
    return workDir;
  }

  /** The process id (the launcher execs the JVM, so this is the JVM). */
  public long pid() {
    return process.pid();
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to exit and returns its exit code.
   *
   * @throws AssertionError if it is still running after {@code timeout}, with its output tails
   */
  public int waitForExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + this, e);
    }
    throw new AssertionError(
        kind.launcherName() + " still running after " + timeout + "\n" + diagnostics());
  }

  /** Sends SIGTERM (what {@code kill PID} and a service manager's stop do). */
  public void sigterm() {
    process.destroy();
  }

  /** Sends SIGKILL and waits until the process is gone. */
  public void kill9() {
    process.destroyForcibly();
    try {
      process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Everything written to stdout so far. */
  public String stdout() {
    return FileTail.read(stdoutFile);
  }

  /** Everything written to stderr so far. */
  public String stderr() {
    return FileTail.read(stderrFile);
  }

  /** Stdout and stderr together: what a user sees in the terminal. */
  public String output() {
    return stdout() + stderr();
  }

  /** {@code monitor/all_sync.log} (resp. {@code t_sync.log}) under the working directory. */
  public Path monitorLogPath() {
    return workDir.resolve("monitor").resolve(kind.launcherName() + ".log");
  }

  /** {@code runtime/all_sync.log} (resp. {@code t_sync.log}) under the working directory. */
  public Path runtimeLogPath() {
    return workDir.resolve("runtime").resolve(kind.launcherName() + ".log");
  }

  /** The monitor log's complete lines so far (none if it does not exist yet). */
  public List<String> monitorLog() {
    return FileTail.completeLines(monitorLogPath());
  }

  /** The runtime log's text so far ("" if it does not exist yet). */
  public String runtimeLog() {
    return FileTail.read(runtimeLogPath());
  }

  /** The runtime log's lines so far (none if it does not exist yet). */
  public List<String> runtimeLines() {
    String text = runtimeLog();
    return text.isEmpty() ? List.of() : java.util.Arrays.asList(text.split("\n"));
  }

  /** Tails of stdout, stderr and both logs, for failure reports. */
  public String diagnostics() {
    return "---- "
        + this
        + (process.isAlive() ? " (running)" : " (exit code " + process.exitValue() + ")")
        + "\n---- stdout:\n"
        + FileTail.tail(stdoutFile, 30)
        + "\n---- stderr:\n"
        + FileTail.tail(stderrFile, 30)
        + "\n---- "
        + runtimeLogPath()
        + ":\n"
        + FileTail.tail(runtimeLogPath(), 40)
        + "\n---- "
        + monitorLogPath()
        + ":\n"
        + FileTail.tail(monitorLogPath(), 20);
  }

  /** Always kills the process (if still running) and waits for it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill9();
    }
  }

  @Override
  public String toString() {
    return kind.launcherName() + " " + String.join(" ", args) + " (pid " + process.pid() + ")";
  }
}
