package io.zk2zk.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A standalone ZooKeeper server run in this JVM on a free loopback port. */
final class EmbeddedZk implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZk.class);
  private static final long START_TIMEOUT_MS = 20_000;
  private static final long GIVE_UP_GRACE_MS = 5_000;

  private final String name;
  private final ZooKeeperServerEmbedded server;
  private final String address;

  private EmbeddedZk(String name, ZooKeeperServerEmbedded server, String address) {
    this.name = name;
    this.server = server;
    this.address = address;
  }

  /** Starts a server whose data lives under {@code baseDir} and whose log goes to {@code log}. */
  static EmbeddedZk start(String name, Path baseDir, Path log) throws Exception {
    Files.createDirectories(baseDir);
    // Found by binding and releasing: another process could take it in between, but on a
    // loopback demo that race is rare enough to report rather than to retry.
    int port = freeLoopbackPort();
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("dataDir", baseDir.resolve("data").toAbsolutePath().toString());
    config.setProperty("tickTime", "2000");
    // Unknown keys become "zookeeper."-prefixed system properties: this disables the Jetty admin
    // server, which the demo neither needs nor ships.
    config.setProperty("admin.enableServer", "false");
    ZooKeeperServerEmbedded server =
        ZooKeeperServerEmbedded.builder()
            .baseDir(baseDir)
            .configuration(config)
            .exitHandler(ExitHandler.LOG_ONLY)
            .build();
    // ZooKeeper 3.9's start() hangs for good in its own clean-up when the server fails while
    // starting (it joins an accept thread nobody stops), so the demo waits on a separate thread
    // and gives up on its own: a failed demo must end, not hang `make demo`.
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                server.start(START_TIMEOUT_MS);
                started.complete(null);
              } catch (Throwable e) {
                started.completeExceptionally(e);
              }
            },
            "zk-" + name + "-start");
    starter.setDaemon(true);
    starter.start();
    try {
      started.get(START_TIMEOUT_MS + GIVE_UP_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.error("ZooKeeper server {} on port {} did not start", name, port, e);
      throw new DemoFailure(
          "ZooKeeper server "
              + name
              + " did not start on 127.0.0.1:"
              + port
              + " (details in "
              + Daemon.display(log)
              + ")",
          e);
    }
    return new EmbeddedZk(name, server, "127.0.0.1:" + port);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  /** The connect string, {@code 127.0.0.1:PORT}. */
  String address() {
    return address;
  }

  @Override
  public void close() {
    LOG.info("stopping ZooKeeper server {} at {}", name, address);
    server.close();
  }
}
