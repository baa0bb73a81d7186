package io.zk2zk.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.SocketFactory;

/**
 * One real ZooKeeper server of a given version, run as a separate JVM on 127.0.0.1: standalone or
 * one member of an ensemble.
 */
public final class ZkServerProcess implements AutoCloseable {

  /** How long a server may take to serve after its JVM starts (an ensemble must elect first). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern MODE = Pattern.compile("(?m)^Mode: (\\S+)");

  private final String version;
  private final Path dir;
  private final int clientPort;
  private final Path configFile;
  private final Path logFile;
  private final List<String> extraJvmArgs;
  // null: clients connect in plain text on clientPort; else only over TLS, with these sockets
  private final SocketFactory tlsSockets;
  private Process process;

  private ZkServerProcess(String version, Path dir, int clientPort, int myId, List<String> peers) {
    this(version, dir, clientPort, myId, peers, List.of(), List.of(), null);
  }

  private ZkServerProcess(
      String version,
      Path dir,
      int clientPort,
      int myId,
      List<String> peers,
      List<String> extraConfig,
      List<String> extraJvmArgs,
      SocketFactory tlsSockets) {
    this.version = version;
    this.dir = dir.toAbsolutePath();
    this.clientPort = clientPort;
    this.configFile = this.dir.resolve("zoo.cfg");
    this.logFile = this.dir.resolve("server.log");
    this.extraJvmArgs = List.copyOf(extraJvmArgs);
    this.tlsSockets = tlsSockets;
    writeConfig(myId, peers, extraConfig);
  }

  /**
   * A standalone server on a free port, with its config and data under {@code dir} (not started).
   */
  public static ZkServerProcess standalone(String version, Path dir) {
    return new ZkServerProcess(version, dir, FreePorts.next(), 0, List.of());
  }

  /**
   * A standalone server whose JVM also gets {@code jvmArgs} (system properties such as {@code
   * -Djute.maxbuffer=4194304}); not started.
   */
  public static ZkServerProcess standalone(String version, Path dir, List<String> jvmArgs) {
    return new ZkServerProcess(
        version, dir, FreePorts.next(), 0, List.of(), List.of(), jvmArgs, null);
  }

  /**
   * A standalone server (3.5+) that serves clients only over TLS: a {@code secureClientPort} on
   * 127.0.0.1 (a free port, what {@link #clientPort()} and {@link #connectString()} name), no plain
   * {@code clientPort}, Netty's connection factory, and the key and trust stores of {@code tls}.
   * Its readiness check sends {@code srvr} over TLS, as {@code tls}'s client. Not started.
   */
  public static ZkServerProcess standaloneTlsOnly(String version, Path dir, TlsMaterial tls) {
    List<String> config = new ArrayList<>();
    config.add("secureClientPortAddress=127.0.0.1");
    config.addAll(tls.serverConfigLines());
    return new ZkServerProcess(
        version,
        dir,
        FreePorts.next(),
        0,
        List.of(),
        config,
        List.of("-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"),
        tls.clientSocketFactory());
  }

  /**
   * Member {@code myId} of an ensemble whose {@code server.N=...} lines are {@code peers} (not
   * started).
   */
  static ZkServerProcess member(
      String version, Path dir, int clientPort, int myId, List<String> peers) {
    return new ZkServerProcess(version, dir, clientPort, myId, peers);
  }

  private void writeConfig(int myId, List<String> peers, List<String> extraConfig) {
    Path data = dir.resolve("data");
    List<String> cfg = new ArrayList<>();
    // tickTime 1 s: sessions of 2..20 s are accepted (the daemons default to 10 s) and an
    // ensemble elects within a few seconds.
    cfg.add("tickTime=1000");
    cfg.add("initLimit=10");
    cfg.add("syncLimit=5");
    cfg.add("dataDir=" + data);
    if (tlsSockets == null) {
      cfg.add("clientPort=" + clientPort);
      cfg.add("clientPortAddress=127.0.0.1");
    } else {
      cfg.add("secureClientPort=" + clientPort);
    }
    // Tests open many sessions from 127.0.0.1; the default limit is 60 per address.
    cfg.add("maxClientCnxns=0");
    cfg.add("4lw.commands.whitelist=*");
    // Unknown to 3.4, which turns it into a harmless system property.
    cfg.add("admin.enableServer=false");
    cfg.addAll(peers);
    cfg.addAll(extraConfig);
    try {
      Files.createDirectories(data);
      if (myId > 0) {
        Files.writeString(data.resolve("myid"), Integer.toString(myId));
      }
      Files.write(configFile, cfg, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the JVM without waiting; see {@link #awaitServing(Duration)}. */
  public synchronized ZkServerProcess launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("server " + this + " is already running");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java.toString(),
            "-Xms16m",
            "-Xmx256m",
            // Several JVMs share 2 cores: a small collector and C1 only keep start-up cheap.
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true",
            "-Dzookeeper.admin.enableServer=false",
            // No fsync: test data need only survive the server process (kill -9), not the machine.
            "-Dzookeeper.forceSync=no",
            "-Dzookeeper.preAllocSize=4096",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
    command.addAll(extraJvmArgs);
    command.addAll(
        List.of(
            "-cp",
            E2EConfig.zkServerClasspath(version) + "/*",
            "org.apache.zookeeper.server.quorum.QuorumPeerMain",
            configFile.toString()));
    try {
      appendToLog(
          "---- starting ZooKeeper "
              + version
              + " on 127.0.0.1:"
              + clientPort
              + (tlsSockets != null ? " (TLS only)" : ""));
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start ZooKeeper " + version, e);
    }
    return this;
  }

  /** Waits until {@code srvr} reports a mode, i.e. the server serves clients. */
  public ZkServerProcess awaitServing(Duration timeout) {
    Process running = process;
    try {
      await("ZooKeeper " + version + " on 127.0.0.1:" + clientPort + " serving")
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .failFast("the server process exited", () -> running == null || !running.isAlive())
          .until(() -> mode().isPresent());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          e.getMessage() + "\n---- tail of " + logFile + ":\n" + FileTail.tail(logFile, 40), e);
    }
    return this;
  }

  /** Starts the server and waits until it serves. */
  public ZkServerProcess start() {
    return launch().awaitServing(START_TIMEOUT);
  }

  /** {@code 127.0.0.1:port}. */
  public String connectString() {
    return "127.0.0.1:" + clientPort;
  }

  /** The client port (a TLS-only server's {@code secureClientPort}), kept across restarts. */
  public int clientPort() {
    return clientPort;
  }

  /** The ZooKeeper version this server runs. */
  public String version() {
    return version;
  }

  /** The folder that holds the config, the data and the log. */
  public Path dir() {
    return dir;
  }

  /** The server's stdout and stderr, appended across restarts. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the JVM is running. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The answer to the {@code srvr} four-letter word (over TLS for a TLS-only server). */
  public String srvr() throws IOException {
    return tlsSockets == null
        ? FourLetterWords.send("127.0.0.1", clientPort, "srvr", Duration.ofSeconds(2))
        : FourLetterWords.send("127.0.0.1", clientPort, "srvr", Duration.ofSeconds(2), tlsSockets);
  }

  /** {@code standalone}, {@code leader} or {@code follower}; empty while not serving. */
  public Optional<String> mode() {
    try {
      Matcher m = MODE.matcher(srvr());
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Clean stop: SIGTERM, then wait (forcibly killed if it does not exit in time). */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    waitOrKill(process);
  }

  /** Abrupt stop: {@code kill -9}, then wait until the process is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    waitOrKill(process);
  }

  /** Stops (if running) and starts again on the same port with the same data. */
  public ZkServerProcess restart() {
    stop();
    return start();
  }

  /** Always kills the JVM and waits for it. */
  @Override
  public synchronized void close() {
    kill9();
  }

  /** The last lines of the server log. */
  public String logTail(int lines) {
    return FileTail.tail(logFile, lines);
  }

  @Override
  public String toString() {
    return "ZooKeeper " + version + " @" + connectString();
  }

  private static void waitOrKill(Process p) {
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void appendToLog(String line) throws IOException {
    Files.writeString(
        logFile,
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
