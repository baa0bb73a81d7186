package io.zk2zk.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Plain ZooKeeper client operations the demo's "applications" perform. Raw {@link ZooKeeper} only,
 * with the 4-argument create, so data is written exactly as given.
 */
final class Zk {

  private static final int SESSION_TIMEOUT_MS = 10_000;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /** The subtrees that zk2zk never syncs nor counts (docs/sync-rules.md, "Excluded paths"). */
  private static final List<String> EXCLUDED =
      List.of("/zookeeper", "/zk2zk_migration", "/zk2zk_ha");

  /** One node as a client sees it. */
  record Node(byte[] data, long ephemeralOwner) {
    boolean ephemeral() {
      return ephemeralOwner != 0;
    }
  }

  private Zk() {}

  /** Opens a session and waits until it is connected. */
  static ZooKeeper connect(String address) throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            address,
            SESSION_TIMEOUT_MS,
            event -> {
              if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new DemoFailure("could not connect to ZooKeeper at " + address);
    }
    return zk;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Creates a node with an open ACL; returns the created path (differs for sequential modes). */
  static String create(ZooKeeper zk, String path, byte[] data, CreateMode mode)
      throws KeeperException, InterruptedException {
    return zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
  }

  /**
   * Creates the missing persistent ancestors of {@code path} with empty data, then {@code path}
   * itself: the "create parents if needed" that registries do when they register.
   */
  static String createWithParents(ZooKeeper zk, String path, byte[] data, CreateMode mode)
      throws KeeperException, InterruptedException {
    int slash = 0;
    while ((slash = path.indexOf('/', slash + 1)) > 0) {
      try {
        create(zk, path.substring(0, slash), new byte[0], CreateMode.PERSISTENT);
      } catch (KeeperException.NodeExistsException e) {
        // Someone (another instance, or all_sync's copy) made it already: that is the point.
      }
    }
    return create(zk, path, data, mode);
  }

  /** The node at {@code path}, or null when absent. */
  static Node read(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
    try {
      Stat stat = new Stat();
      byte[] data = zk.getData(path, false, stat);
      return new Node(data, stat.getEphemeralOwner());
    } catch (KeeperException.NoNodeException e) {
      return null;
    }
  }

  static boolean exists(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
    return zk.exists(path, false) != null;
  }

  static List<String> children(ZooKeeper zk, String path)
      throws KeeperException, InterruptedException {
    try {
      return zk.getChildren(path, false);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  static boolean excluded(String path) {
    for (String root : EXCLUDED) {
      if (path.equals(root) || path.startsWith(root + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Every node below the root except the excluded subtrees, as this client reads them now. */
  static SortedMap<String, Node> snapshot(ZooKeeper zk)
      throws KeeperException, InterruptedException {
    SortedMap<String, Node> nodes = new TreeMap<>();
    List<String> pending = new ArrayList<>(List.of("/"));
    while (!pending.isEmpty()) {
      String parent = pending.remove(pending.size() - 1);
      for (String child : children(zk, parent)) {
        String path = parent.equals("/") ? "/" + child : parent + "/" + child;
        if (excluded(path)) {
          continue;
        }
        Node node = read(zk, path);
        // A node deleted between the listing and the read is simply not part of this snapshot.
        if (node != null) {
          nodes.put(path, node);
          pending.add(path);
        }
      }
    }
    return nodes;
  }

  /** Differences of paths and data between two snapshots, at most {@code limit} of them. */
  static List<String> differences(SortedMap<String, Node> s, SortedMap<String, Node> t, int limit) {
    List<String> out = new ArrayList<>();
    Set<String> all = new TreeSet<>(s.keySet());
    all.addAll(t.keySet());
    for (String path : all) {
      if (out.size() >= limit) {
        break;
      }
      Node a = s.get(path);
      Node b = t.get(path);
      if (b == null) {
        out.add("only on S: " + path);
      } else if (a == null) {
        out.add("only on T: " + path);
      } else if (!Arrays.equals(a.data(), b.data())) {
        out.add("data differs: " + path);
      }
    }
    return out;
  }

  static long countEphemeral(Map<String, Node> nodes) {
    return nodes.values().stream().filter(Node::ephemeral).count();
  }

  /** The mark all_sync puts on its copies on T: an ACL entry without rights. */
  private static final org.apache.zookeeper.data.ACL ORIGIN_MARK =
      new org.apache.zookeeper.data.ACL(
          0, new org.apache.zookeeper.data.Id("digest", "zk2zk:copied-from-source"));

  /**
   * The persistent nodes T's clients created there (no origin mark, created after all_sync started
   * marking), which t_sync carries to S and counts.
   */
  static long countClientNodes(ZooKeeper onT, Map<String, Node> nodes)
      throws KeeperException, InterruptedException {
    Stat marks = onT.exists("/zk2zk_ha/origin_marks", false);
    if (marks == null) {
      return 0;
    }
    long n = 0;
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      if (e.getValue().ephemeral()) {
        continue;
      }
      Stat stat = new Stat();
      try {
        if (!onT.getACL(e.getKey(), stat).contains(ORIGIN_MARK)
            && stat.getCzxid() > marks.getCzxid()) {
          n++;
        }
      } catch (KeeperException.NoNodeException gone) {
        // deleted meanwhile
      }
    }
    return n;
  }

  /** The sequence suffix of a sequential node's name (its last 10 digits). */
  static long sequenceOf(String name) {
    return Long.parseLong(name.substring(name.length() - 10));
  }
}
