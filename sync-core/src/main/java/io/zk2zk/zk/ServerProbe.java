package io.zk2zk.zk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Finds out, before the real session opens, whether an ensemble is reachable and what it accepts.
 * It uses a throwaway session because asking a 3.4/3.5 server for {@code addWatch} makes it close
 * the connection.
 */
public final class ServerProbe {

  /**
   * What the probe learnt.
   *
   * @param nodeCount the server's node count ({@code srvr}), -1 when unknown
   */
  public record Capabilities(boolean persistentWatches, String version, long nodeCount) {}

  /** What {@code srvr} answered: the version ("unknown" when refused) and the node count. */
  record Srvr(String version, long nodeCount) {
    static final Srvr UNKNOWN = new Srvr("unknown", -1);
  }

  private ServerProbe() {}

  /** Connects within {@code wait} and probes; fails with a message naming the address. */
  public static Capabilities probe(
      ConnectString cs,
      Duration session,
      Duration wait,
      ZKClientConfig clientConfig,
      java.util.List<io.zk2zk.config.Credential> credentials)
      throws StartupException, InterruptedException {
    cs.checkResolvable();
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher =
        e -> {
          if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        };
    ZooKeeper zk;
    try {
      zk = new ZooKeeper(cs.toString(), (int) session.toMillis(), watcher, clientConfig);
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupException("cannot connect to " + cs + ": " + e.getMessage());
    }
    try {
      if (!connected.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        String tcp = cs.probeTcp(2000);
        throw new StartupException(
            "cannot connect to "
                + cs
                + " within "
                + wait.toSeconds()
                + " s: "
                + (tcp != null ? tcp : "no ZooKeeper session could be opened"));
      }
      for (io.zk2zk.config.Credential c : credentials) {
        zk.addAuthInfo(c.scheme(), c.secret());
      }
      boolean persistent = supportsPersistentWatches(zk);
      // srvr is plain text: sent to a TLS port it only earns a failed handshake and a timeout
      Srvr srvr =
          clientConfig.getBoolean(ZKClientConfig.SECURE_CLIENT) ? new Srvr("(TLS)", -1) : srvr(cs);
      return new Capabilities(persistent, srvr.version(), srvr.nodeCount());
    } finally {
      zk.close(2000);
    }
  }

  private static boolean supportsPersistentWatches(ZooKeeper zk) throws InterruptedException {
    try {
      zk.addWatch("/", e -> {}, AddWatchMode.PERSISTENT_RECURSIVE);
      return true;
    } catch (KeeperException e) {
      // UNIMPLEMENTED, or CONNECTIONLOSS because a server < 3.6 dropped the connection
      return false;
    }
  }

  /** The server's version and node count from the {@code srvr} command, if it is allowed. */
  static Srvr srvr(ConnectString cs) {
    for (String h : cs.hosts()) {
      int colon = h.lastIndexOf(':');
      String host = colon > 0 ? h.substring(0, colon) : h;
      int port = colon > 0 ? Integer.parseInt(h.substring(colon + 1)) : 2181;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 2000);
        s.setSoTimeout(2000);
        OutputStream out = s.getOutputStream();
        out.write("srvr".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        Srvr parsed = parseSrvr(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (parsed != null) {
          return parsed;
        }
      } catch (IOException | RuntimeException e) {
        // try the next host
      }
    }
    return Srvr.UNKNOWN;
  }

  /** The answer of {@code srvr}, or null when it is not one (e.g. the command is not allowed). */
  static Srvr parseSrvr(String text) {
    String version = null;
    long nodes = -1;
    for (String line : text.split("\n")) {
      if (line.startsWith("Zookeeper version:")) {
        String v = line.substring("Zookeeper version:".length()).trim();
        int dash = v.indexOf('-');
        int comma = v.indexOf(',');
        int end = dash > 0 ? dash : comma > 0 ? comma : v.length();
        version = v.substring(0, end);
      } else if (line.startsWith("Node count:")) {
        nodes = Long.parseLong(line.substring("Node count:".length()).trim());
      }
    }
    return version == null ? null : new Srvr(version, nodes);
  }
}
