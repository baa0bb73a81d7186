package io.zk2zk.it;

import io.zk2zk.decide.SyncScope;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

/** Plain-client helpers for tests: connect, create, and read a whole tree for comparison. */
public final class Trees {

  /** What a test compares of one node. */
  public record Node(boolean ephemeral, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Node n && n.ephemeral == ephemeral && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data) * 31 + (ephemeral ? 1 : 0);
    }

    @Override
    public String toString() {
      return (ephemeral ? "E" : "P") + (data == null ? "null" : new String(data));
    }
  }

  private Trees() {}

  public static ZooKeeper connect(String cs) throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ZKClientConfig cfg = new ZKClientConfig();
    cfg.setProperty(ZKClientConfig.JUTE_MAXBUFFER, String.valueOf(64 * 1024 * 1024));
    ZooKeeper zk =
        new ZooKeeper(
            cs,
            30_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
              }
            },
            cfg);
    if (!up.await(30, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("cannot connect to " + cs);
    }
    return zk;
  }

  public static void create(ZooKeeper zk, String path, byte[] data, CreateMode mode)
      throws Exception {
    zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
  }

  public static void createP(ZooKeeper zk, String path, String data) throws Exception {
    create(zk, path, data == null ? null : data.getBytes(), CreateMode.PERSISTENT);
  }

  /** Reads every node under root (root excluded when it is "/"), skipping excluded subtrees. */
  public static Map<String, Node> read(ZooKeeper zk, String root) throws Exception {
    Map<String, Node> out = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      String p = todo.poll();
      if (SyncScope.isExcluded(p)) {
        continue;
      }
      Stat st = new Stat();
      byte[] data;
      List<String> kids;
      try {
        data = zk.getData(p, false, st);
        kids = zk.getChildren(p, false);
      } catch (KeeperException.NoNodeException e) {
        continue;
      }
      if (!"/".equals(p)) {
        out.put(p, new Node(st.getEphemeralOwner() != 0, data));
      }
      for (String k : kids) {
        todo.add(SyncScope.child(p, k));
      }
    }
    return out;
  }

  /** The tree as all_sync should leave it on T: every node persistent. */
  public static Map<String, Node> asPersistent(Map<String, Node> tree) {
    Map<String, Node> out = new TreeMap<>();
    tree.forEach((k, v) -> out.put(k, new Node(false, v.data())));
    return out;
  }
}
