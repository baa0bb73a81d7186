package io.zk2zk.e2e.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ConfigException;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * A plain ZooKeeper client for tests, over the raw {@link ZooKeeper} API: only requests that every
 * server from 3.4 on accepts (the 4-argument create, {@code multi}; never {@code create2}).
 */
public final class Zk implements AutoCloseable {

  /** Subtrees that zk2zk never reads, writes or counts. */
  public static final List<String> EXCLUDED =
      List.of("/zookeeper", "/zk2zk_migration", "/zk2zk_ha");

  /**
   * The ACL entry all_sync adds to every node it creates on T, to tell its copies from T's clients'
   * own nodes: no rights, so it grants nothing (docs/sync-rules.md, "Origin mark").
   */
  public static final org.apache.zookeeper.data.ACL ORIGIN_MARK =
      new org.apache.zookeeper.data.ACL(
          0, new org.apache.zookeeper.data.Id("digest", "zk2zk:copied-from-source"));

  /** Default wait for a connection. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private static final int SESSION_TIMEOUT_MS = 10_000;
  // Responses are bounded by the client's jute.maxbuffer (1 MB by default): a getChildren of a
  // very wide node needs more.
  private static final int MAX_BUFFER = 64 * 1024 * 1024;
  private static final Duration READ_TREE_TIMEOUT = Duration.ofSeconds(120);
  private static final int MULTI_BATCH = 1000;

  private final ZooKeeper zk;
  private final String connectString;

  private Zk(ZooKeeper zk, String connectString) {
    this.zk = zk;
    this.connectString = connectString;
  }

  /** Connects and waits for the session, for at most {@link #CONNECT_TIMEOUT}. */
  public static Zk connect(String connectString) {
    return connect(connectString, CONNECT_TIMEOUT);
  }

  /** Connects and waits for the session, for at most {@code timeout}. */
  public static Zk connect(String connectString, Duration timeout) {
    return connect(connectString, new ZKClientConfig(), timeout);
  }

  /**
   * Connects with the client configuration in {@code clientConfigFile} ({@code ZKClientConfig}
   * properties, e.g. TLS) and waits for the session, for at most {@link #CONNECT_TIMEOUT}.
   */
  public static Zk connect(String connectString, Path clientConfigFile) {
    ZKClientConfig config;
    try {
      config = new ZKClientConfig(clientConfigFile);
    } catch (ConfigException e) {
      throw new IllegalStateException("cannot load " + clientConfigFile, e);
    }
    return connect(connectString, config, CONNECT_TIMEOUT);
  }

  private static Zk connect(String connectString, ZKClientConfig config, Duration timeout) {
    config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(MAX_BUFFER));
    // No Kerberos attempt (and its log noise) against servers that have none.
    config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher =
        event -> {
          if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        };
    ZooKeeper zk;
    try {
      zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, watcher, config);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a client for " + connectString, e);
    }
    try {
      if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        zk.close();
        throw new IllegalStateException("no session with " + connectString + " within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + connectString, e);
    }
    return new Zk(zk, connectString);
  }

  /** The underlying client. */
  public ZooKeeper raw() {
    return zk;
  }

  /** The session id (its ephemeral nodes carry it as {@code ephemeralOwner}). */
  public long sessionId() {
    return zk.getSessionId();
  }

  /**
   * Creates one node with exactly {@code data} ({@code null} stays {@code null}); returns its path.
   */
  public String create(String path, byte[] data, CreateMode mode)
      throws KeeperException, InterruptedException {
    return zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
  }

  /** Creates a persistent node. */
  public String createPersistent(String path, byte[] data)
      throws KeeperException, InterruptedException {
    return create(path, data, CreateMode.PERSISTENT);
  }

  /** Creates an ephemeral node, owned by this client's session. */
  public String createEphemeral(String path, byte[] data)
      throws KeeperException, InterruptedException {
    return create(path, data, CreateMode.EPHEMERAL);
  }

  /** Creates a persistent sequential node; returns the name the server gave it. */
  public String createSequential(String pathPrefix, byte[] data)
      throws KeeperException, InterruptedException {
    return create(pathPrefix, data, CreateMode.PERSISTENT_SEQUENTIAL);
  }

  /**
   * Creates {@code path} with {@code data} and {@code mode}, after creating its missing ancestors
   * as persistent nodes with empty data.
   */
  public String createWithParents(String path, byte[] data, CreateMode mode)
      throws KeeperException, InterruptedException {
    int slash = path.indexOf('/', 1);
    while (slash > 0) {
      try {
        createPersistent(path.substring(0, slash), new byte[0]);
      } catch (KeeperException.NodeExistsException e) {
        // already there: fine
      }
      slash = path.indexOf('/', slash + 1);
    }
    return create(path, data, mode);
  }

  /** Runs the ops as one transaction. */
  public void multi(List<Op> ops) throws KeeperException, InterruptedException {
    zk.multi(ops);
  }

  /**
   * Creates many persistent nodes, in order, in transactions of {@value #MULTI_BATCH} creates (one
   * per node would take seconds; one huge multi would exceed the request size limit).
   */
  public void createPersistentBatch(List<String> paths, List<byte[]> data)
      throws KeeperException, InterruptedException {
    List<Op> batch = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      batch.add(
          Op.create(paths.get(i), data.get(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
      if (batch.size() == MULTI_BATCH) {
        zk.multi(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      zk.multi(batch);
    }
  }

  /** Sets a node's data (any version). */
  public void setData(String path, byte[] data) throws KeeperException, InterruptedException {
    zk.setData(path, data, -1);
  }

  /** A node's data, {@code null} if it holds none. */
  public byte[] getData(String path) throws KeeperException, InterruptedException {
    return zk.getData(path, false, null);
  }

  /** The node's stat, or {@code null} when it does not exist. */
  public Stat exists(String path) throws KeeperException, InterruptedException {
    return zk.exists(path, false);
  }

  /** The node's children's names. */
  public List<String> getChildren(String path) throws KeeperException, InterruptedException {
    return zk.getChildren(path, false);
  }

  /** Deletes one node (any version). */
  public void delete(String path) throws KeeperException, InterruptedException {
    zk.delete(path, -1);
  }

  /** Deletes a node and all its descendants, deepest first; a missing node is fine. */
  public void deleteRecursive(String path) throws KeeperException, InterruptedException {
    List<String> order = new ArrayList<>(readTree(path, List.of()).keySet());
    // Reverse lexical order visits every child before its parent.
    for (int i = order.size() - 1; i >= 0; i--) {
      try {
        delete(order.get(i));
      } catch (KeeperException.NoNodeException e) {
        // gone meanwhile: fine
      }
    }
  }

  /**
   * The subtree under {@code root} ({@code root} included, except {@code /}), sorted by path,
   * without the subtrees zk2zk excludes ({@link #EXCLUDED}).
   */
  public SortedMap<String, NodeInfo> readTree(String root)
      throws KeeperException, InterruptedException {
    return readTree(root, EXCLUDED);
  }

  /**
   * The subtree under {@code root} ({@code root} included, except {@code /}), sorted by path,
   * skipping the subtrees {@code excluded}; empty when {@code root} does not exist. Reads are
   * asynchronous (a plain loop over 10,000 nodes would take seconds); nodes deleted during the walk
   * are left out.
   */
  public SortedMap<String, NodeInfo> readTree(String root, Collection<String> excluded)
      throws KeeperException, InterruptedException {
    TreeWalk walk = new TreeWalk(excluded);
    walk.visit(root);
    awaitReads(walk.done, root);
    return walk.nodes;
  }

  /**
   * Waits for asynchronous reads of {@code what}: their first error as a KeeperException, a timeout
   * as an IllegalStateException naming them.
   */
  private void awaitReads(CompletableFuture<Void> done, String what)
      throws KeeperException, InterruptedException {
    try {
      done.get(READ_TREE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KeeperException ke) {
        throw ke;
      }
      throw new IllegalStateException("reading " + what + " on " + connectString, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "reading " + what + " on " + connectString + " took over " + READ_TREE_TIMEOUT, e);
    }
  }

  /** A node's ACL and the zxid that created it. */
  public record AclRead(List<ACL> acl, long czxid) {}

  /**
   * The ACLs of {@code paths}, read asynchronously (one synchronous getACL per node would take a
   * round trip each); paths deleted meanwhile are left out.
   */
  public Map<String, AclRead> readAcls(Collection<String> paths)
      throws KeeperException, InterruptedException {
    Map<String, AclRead> out = new ConcurrentHashMap<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger(paths.size() + 1);
    for (String path : paths) {
      zk.getACL(
          path,
          null,
          (rc, p, ctx, acl, stat) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.OK) {
              out.put(p, new AclRead(acl, stat.getCzxid()));
            } else if (code != KeeperException.Code.NONODE) {
              done.completeExceptionally(KeeperException.create(code, p));
            }
            if (pending.decrementAndGet() == 0) {
              done.complete(null);
            }
          },
          null);
    }
    if (pending.decrementAndGet() == 0) {
      done.complete(null);
    }
    awaitReads(done, paths.size() + " ACLs");
    return out;
  }

  /** One asynchronous walk: getData for each node, getChildren only where there are children. */
  private final class TreeWalk {
    private final Collection<String> excluded;
    private final SortedMap<String, NodeInfo> nodes = new ConcurrentSkipListMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    TreeWalk(Collection<String> excluded) {
      this.excluded = excluded;
    }

    void visit(String path) {
      pending.incrementAndGet();
      zk.getData(
          path,
          false,
          (rc, p, ctx, data, stat) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.OK) {
              if (!p.equals("/")) {
                nodes.put(p, new NodeInfo(data, stat.getEphemeralOwner() != 0));
              }
              if (stat.getNumChildren() > 0) {
                listChildren(p);
              }
            } else if (code != KeeperException.Code.NONODE) {
              done.completeExceptionally(KeeperException.create(code, p));
            }
            finish();
          },
          null);
    }

    private void listChildren(String path) {
      pending.incrementAndGet();
      zk.getChildren(
          path,
          false,
          (rc, p, ctx, children) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.OK) {
              for (String child : children) {
                String childPath = p.equals("/") ? "/" + child : p + "/" + child;
                if (!excluded.contains(childPath)) {
                  visit(childPath);
                }
              }
            } else if (code != KeeperException.Code.NONODE) {
              done.completeExceptionally(KeeperException.create(code, p));
            }
            finish();
          },
          null);
    }

    private void finish() {
      if (pending.decrementAndGet() == 0) {
        done.complete(null);
      }
    }
  }

  /** Closes the session (its ephemeral nodes vanish at once). */
  @Override
  public void close() {
    try {
      zk.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "client of " + connectString + " (session 0x" + Long.toHexString(sessionId()) + ")";
  }
}
