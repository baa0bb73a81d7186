package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything one test starts (servers, daemons, clients) and its directory. Closing it closes each
 * resource by its own handle, newest first; {@link ProcessScopeExtension} closes it after the test,
 * passed or failed.
 */
public final class ProcessScope implements AutoCloseable {

  private final Path dir;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<Object> diagnosable = new ArrayList<>();
  private int counter;

  /** A scope whose files live in {@code dir}, emptied first (left over from an earlier run). */
  public ProcessScope(Path dir) {
    this.dir = dir.toAbsolutePath();
    try {
      deleteTree(this.dir);
      Files.createDirectories(this.dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  /** The test's own directory (kept after the test for post-mortems; `mvn clean` removes it). */
  public Path dir() {
    return dir;
  }

  /** A new, empty directory {@code <name>-<n>} inside the test's directory. */
  public synchronized Path newDir(String name) {
    Path d = dir.resolve(name + "-" + (++counter));
    try {
      return Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers a resource to be closed with the scope; returns it. */
  public synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    if (resource instanceof ZkServerProcess
        || resource instanceof ZkEnsemble
        || resource instanceof DaemonProcess
        || resource instanceof FaultyLink
        || resource instanceof FaultyLinks) {
      diagnosable.add(resource);
    }
    return resource;
  }

  /** Starts a standalone server and waits until it serves. */
  public ZkServerProcess startZk(String version) {
    return startZks(version, 1).get(0);
  }

  /** Starts {@code count} independent standalone servers at once, then waits for all of them. */
  public List<ZkServerProcess> startZks(String version, int count) {
    List<ZkServerProcess> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      servers.add(register(ZkServerProcess.standalone(version, newDir("zk-" + version))));
    }
    // Launch all JVMs before waiting, so their start-ups overlap.
    servers.forEach(ZkServerProcess::launch);
    servers.forEach(s -> s.awaitServing(ZkServerProcess.START_TIMEOUT));
    return servers;
  }

  /**
   * Starts a standalone server whose JVM gets {@code jvmOpts} (e.g. {@code
   * -Djute.maxbuffer=4194304}) and waits until it serves.
   */
  public ZkServerProcess startZkWithJvmOpts(String version, String... jvmOpts) {
    return register(ZkServerProcess.standalone(version, newDir("zk-" + version), List.of(jvmOpts)))
        .start();
  }

  /** Starts a 3-member ensemble and waits until every member serves. */
  public ZkEnsemble startEnsemble(String version) {
    return register(ZkEnsemble.create(version, newDir("ensemble-" + version), 3)).start();
  }

  /** A {@link FaultyLink} to {@code server}'s client port, with no fault yet. */
  public FaultyLink link(ZkServerProcess server) {
    return register(FaultyLink.to(server));
  }

  /** A plain client connected to {@code connectString}. */
  public Zk connect(String connectString) {
    return register(Zk.connect(connectString));
  }

  /** A plain client connected to {@code server}. */
  public Zk connect(ZkServerProcess server) {
    return connect(server.connectString());
  }

  /** Starts a daemon with {@code args} in a new working directory. */
  public DaemonProcess startDaemon(DaemonProcess.Kind kind, List<String> args) {
    return register(DaemonProcess.builder(kind, newDir(kind.launcherName())).args(args).start());
  }

  /**
   * Starts {@code kind} syncing {@code from} to {@code to} as a user does ({@code start --srcAddr
   * --dstAddr}, its runtime log not on stdout), with {@code more} flags.
   */
  public DaemonProcess startSync(
      DaemonProcess.Kind kind, ZkServerProcess from, ZkServerProcess to, String... more) {
    return startDaemon(syncing(kind, from, to).args(more));
  }

  /**
   * The builder of {@link #startSync}, in a new working directory, to add JAVA_OPTS or flags to.
   */
  public DaemonProcess.Builder syncing(
      DaemonProcess.Kind kind, ZkServerProcess from, ZkServerProcess to) {
    return DaemonProcess.builder(kind, newDir(kind.launcherName()))
        .args(
            "start",
            "--srcAddr",
            from.connectString(),
            "--dstAddr",
            to.connectString(),
            "--logEnableStdout=false");
  }

  /** Starts a daemon from a prepared builder (custom working dir or JAVA_OPTS). */
  public DaemonProcess startDaemon(DaemonProcess.Builder builder) {
    return register(builder.start());
  }

  /** Tails of every server's and daemon's logs, for a failure report. */
  public synchronized String diagnostics() {
    StringBuilder sb = new StringBuilder();
    for (Object o : diagnosable) {
      if (o instanceof DaemonProcess d) {
        sb.append(d.diagnostics()).append('\n');
      } else if (o instanceof ZkServerProcess s) {
        sb.append("---- ").append(s).append(" log tail:\n").append(s.logTail(15)).append('\n');
      } else if (o instanceof FaultyLink || o instanceof FaultyLinks) {
        // what the network between the processes was doing when the test failed
        sb.append("---- ").append(o).append('\n');
      } else if (o instanceof ZkEnsemble e) {
        for (ZkServerProcess s : e.members()) {
          sb.append("---- ").append(s).append(" log tail:\n").append(s.logTail(15)).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** Closes every registered resource, newest first; reports the first failure after trying all. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing " + r + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
