package io.zk2zk.e2e.support;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A registry client with a short session that can die the way a crashed process does: its
 * connection drops without the session being closed, so the server keeps the session (and its
 * ephemeral nodes) until the session timeout, then expires it.
 */
public final class DyingClient implements AutoCloseable {

  private final ZooKeeper zk;
  private final Duration sessionTimeout;

  private DyingClient(ZooKeeper zk, Duration sessionTimeout) {
    this.zk = zk;
    this.sessionTimeout = sessionTimeout;
  }

  /**
   * Connects with {@code sessionTimeout} (the test servers accept 2 to 20 s) and waits for the
   * session.
   */
  public static DyingClient connect(String connectString, Duration sessionTimeout) {
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher =
        event -> {
          if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        };
    try {
      ZooKeeper zk = new ZooKeeper(connectString, (int) sessionTimeout.toMillis(), watcher, config);
      if (!connected.await(Zk.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        zk.close();
        throw new IllegalStateException("no session with " + connectString);
      }
      return new DyingClient(zk, sessionTimeout);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a client for " + connectString, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + connectString, e);
    }
  }

  /** The session timeout the client asked for. */
  public Duration sessionTimeout() {
    return sessionTimeout;
  }

  /** The session id, the {@code ephemeralOwner} of its nodes. */
  public long sessionId() {
    return zk.getSessionId();
  }

  /** Registers an ephemeral node (its parent must exist). */
  public void register(String path, byte[] data) throws KeeperException, InterruptedException {
    zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
  }

  /**
   * Dies without closing the session: the connection drops, the client never reconnects, and the
   * server expires the session after its timeout.
   */
  public void die() {
    zk.getTestable().injectSessionExpiration();
  }

  /** Closes the session (its ephemeral nodes vanish at once); harmless after {@link #die()}. */
  @Override
  public void close() {
    try {
      zk.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
