package io.zk2zk.zk;

import io.zk2zk.config.Credential;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.lifecycle.Lifecycle;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ensemble as this daemon sees it: the only owner of its session. Requests are asynchronous and
 * pipelined, at most a bounded number in flight, and only the plain request types every server from
 * 3.4 on accepts (4-argument create, never create2).
 */
public final class ZkSide implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(ZkSide.class);

  private final String role;
  private final ConnectString connect;
  private final Duration session;
  // computed once: Duration's arithmetic goes through BigDecimal, and every read asks for it
  private final Duration replyTimeout;
  private final InFlightRequests requests;
  private final SideSecurity security;
  private final Lifecycle lifecycle = new Lifecycle();
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private volatile CuratorFramework curator;
  private volatile ServerProbe.Capabilities capabilities;
  private volatile boolean connected;

  /**
   * @param role "source" or "target", used in logs
   * @param maxInFlight most requests outstanding on this session at once
   */
  public ZkSide(
      String role,
      ConnectString connect,
      Duration session,
      int maxInFlight,
      SideSecurity security) {
    this.role = role;
    this.connect = connect;
    this.session = session;
    this.replyTimeout = session.multipliedBy(2).plusSeconds(5);
    this.requests =
        new InFlightRequests(
            maxInFlight,
            replyTimeout.toMillis(),
            lifecycle::isStarted,
            () -> curator.getZookeeperClient().getZooKeeper());
    this.security = security;
  }

  /** The credentials of this side, for the session and for ACL checks. */
  public List<Credential> credentials() {
    return security.credentials();
  }

  /** Probes the ensemble, opens the session, and waits until it is connected. */
  public void start(Duration wait) throws StartupException, InterruptedException {
    lifecycle.startOnce();
    capabilities =
        ServerProbe.probe(
            connect, session, wait, CuratorSessions.clientConfig(security), security.credentials());
    log.info(
        "{} {}: ZooKeeper {}, persistent recursive watches {}",
        role,
        connect,
        capabilities.version(),
        capabilities.persistentWatches() ? "supported" : "not supported (server older than 3.6)");
    curator = CuratorSessions.build(role, connect, session, security, capabilities);
    curator.getConnectionStateListenable().addListener((c, s) -> onStateChange(s));
    curator.start();
    if (!curator.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new StartupException(
          "cannot open a session on "
              + role
              + " "
              + connect
              + " within "
              + wait.toSeconds()
              + " s");
    }
    connected = true;
  }

  private void onStateChange(ConnectionState s) {
    switch (s) {
      case SUSPENDED -> log.warn("{} {} disconnected; reconnecting", role, connect);
      case LOST -> log.warn("{} {}: session lost (expired); opening a new one", role, connect);
      case RECONNECTED -> log.info("{} {} reconnected", role, connect);
      default -> {}
    }
    connected = s.isConnected();
    for (Consumer<ConnectionState> l : listeners) {
      l.accept(s);
    }
  }

  /** Called on every connection state change (on Curator's event thread: do not block). */
  public void addConnectionListener(Consumer<ConnectionState> listener) {
    listeners.add(listener);
  }

  public String role() {
    return role;
  }

  public ConnectString connectString() {
    return connect;
  }

  public boolean supportsPersistentWatches() {
    return capabilities.persistentWatches();
  }

  /** The server's version as the probe read it ("3.9.5"), "unknown" or "(TLS)". */
  public String serverVersion() {
    return capabilities.version();
  }

  /**
   * The number of nodes the server held when the daemon started ({@code srvr}), -1 when unknown.
   */
  public long serverNodeCount() {
    return capabilities.nodeCount();
  }

  /** {@code multi} with read operations came with persistent watches, in ZooKeeper 3.6. */
  public boolean supportsMultiRead() {
    return capabilities.persistentWatches();
  }

  public boolean isConnected() {
    return connected;
  }

  /**
   * The number of descendants of {@code path} (ZooKeeper 3.6+ {@code getAllChildrenNumber}), for a
   * progress estimate; empty when unknown: an older server (which would drop the connection on the
   * unknown request, so it is never sent), no such node, or any error.
   */
  public java.util.OptionalLong countDescendants(String path) throws InterruptedException {
    // getAllChildrenNumber came with persistent watches, in ZooKeeper 3.6
    if (!lifecycle.isStarted() || !capabilities.persistentWatches()) {
      return java.util.OptionalLong.empty();
    }
    try {
      return java.util.OptionalLong.of(
          curator.getZookeeperClient().getZooKeeper().getAllChildrenNumber(path));
    } catch (org.apache.zookeeper.KeeperException e) {
      log.debug("{}: no descendant count for {}: {}", role, path, e.code());
      return java.util.OptionalLong.empty();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      log.debug("{}: no descendant count for {}: {}", role, path, e.toString());
      return java.util.OptionalLong.empty();
    }
  }

  public CuratorFramework curator() {
    return curator;
  }

  public Duration sessionTimeout() {
    return session;
  }

  /** Waits until the session is connected again, up to {@code max}. */
  public boolean awaitConnected(Duration max) throws InterruptedException {
    if (!lifecycle.isStarted()) {
      return false;
    }
    return connected || curator.blockUntilConnected((int) max.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- asynchronous requests ----------------------------------------------------------------

  public CompletableFuture<Reply> getData(String path, Watcher watcher) {
    return requests.issue(
        (zk, f) ->
            zk.getData(
                path,
                watcher,
                (rc, p, ctx, data, stat) ->
                    f.complete(new Reply(Reply.code(rc), data, stat, null, null)),
                null));
  }

  public CompletableFuture<Reply> getChildren(String path, Watcher watcher) {
    return requests.issue(
        (zk, f) ->
            zk.getChildren(
                path,
                watcher,
                (rc, p, ctx, children, stat) ->
                    f.complete(new Reply(Reply.code(rc), null, stat, children, null)),
                null));
  }

  /** An exists with a watch: the one read that leaves a watch on a node that is not there. */
  public CompletableFuture<Reply> existsWatch(String path, Watcher watcher) {
    return requests.issue(
        (zk, f) ->
            zk.exists(
                path,
                watcher,
                (rc, p, ctx, stat) -> f.complete(new Reply(Reply.code(rc), null, stat, null, null)),
                null));
  }

  /** Makes this session's next reads see everything the ensemble's leader has committed. */
  public CompletableFuture<Reply> sync(String path) {
    return requests.issue((zk, f) -> zk.sync(path, (rc, p, ctx) -> f.complete(Reply.of(rc)), null));
  }

  public CompletableFuture<Reply> exists(String path) {
    return requests.issue(
        (zk, f) ->
            zk.exists(
                path,
                false,
                (rc, p, ctx, stat) -> f.complete(new Reply(Reply.code(rc), null, stat, null, null)),
                null));
  }

  public CompletableFuture<Reply> create(String path, byte[] data) {
    return create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE);
  }

  /** A plain (4-argument) create with the given ACL. */
  public CompletableFuture<Reply> create(String path, byte[] data, List<ACL> acl) {
    return requests.issue(
        (zk, f) ->
            zk.create(
                path,
                data,
                acl,
                CreateMode.PERSISTENT,
                (rc, p, ctx, name) -> f.complete(Reply.of(rc)),
                null));
  }

  public CompletableFuture<Reply> setData(String path, byte[] data, int version) {
    return requests.issue(
        (zk, f) ->
            zk.setData(
                path,
                data,
                version,
                (rc, p, ctx, stat) -> f.complete(new Reply(Reply.code(rc), null, stat, null, null)),
                null));
  }

  public CompletableFuture<Reply> delete(String path, int version) {
    return requests.issue(
        (zk, f) -> zk.delete(path, version, (rc, p, ctx) -> f.complete(Reply.of(rc)), null));
  }

  /** Reads a node's ACL (in {@link Reply#acl()}). */
  public CompletableFuture<Reply> getAcl(String path) {
    return requests.issue(
        (zk, f) ->
            zk.getACL(
                path,
                new org.apache.zookeeper.data.Stat(),
                (rc, p, ctx, list, stat) ->
                    f.complete(new Reply(Reply.code(rc), null, stat, null, null, list)),
                null));
  }

  public CompletableFuture<Reply> setAcl(String path, List<ACL> acl) {
    return requests.issue(
        (zk, f) ->
            zk.setACL(
                path,
                acl,
                -1,
                (rc, p, ctx, stat) -> f.complete(new Reply(Reply.code(rc), null, stat, null, null)),
                null));
  }

  public CompletableFuture<Reply> multi(List<Op> ops) {
    return requests.issue(multiRequest(ops));
  }

  /**
   * As {@link #multi(List)} if a request may be sent at once, else null: for callers that must not
   * wait, such as a reply's callback on ZooKeeper's event thread (the permits it would wait for are
   * given back on that very thread).
   */
  public CompletableFuture<Reply> multiIfFree(List<Op> ops) {
    return requests.issueIfFree(multiRequest(ops));
  }

  private static InFlightRequests.Request multiRequest(List<Op> ops) {
    return (zk, f) ->
        zk.multi(
            ops,
            (rc, p, ctx, results) ->
                f.complete(new Reply(Reply.code(rc), null, null, null, results)),
            null);
  }

  /** Creates an ephemeral node (plain create: accepted by every server version). */
  public CompletableFuture<Reply> createEphemeral(String path, byte[] data) {
    return requests.issue(
        (zk, f) ->
            zk.create(
                path,
                data,
                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.EPHEMERAL,
                (rc, p, ctx, name) -> f.complete(Reply.of(rc)),
                null));
  }

  /** Creates a persistent node unless it exists; used for the daemons' own bookkeeping nodes. */
  public Code ensureExists(String path, Duration timeout) throws InterruptedException {
    Reply r = await(create(path, new byte[0]), timeout);
    return r.code() == Code.NODEEXISTS ? Code.OK : r.code();
  }

  /** Waits for a reply; a reply that does not come in time counts as a lost connection. */
  public static Reply await(CompletableFuture<Reply> f, Duration timeout)
      throws InterruptedException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      Reply timedOut = Reply.of(Code.OPERATIONTIMEOUT);
      f.complete(timedOut); // frees the in-flight permit; a late answer is ignored
      return timedOut;
    } catch (java.util.concurrent.ExecutionException e) {
      return Reply.of(Code.SYSTEMERROR);
    }
  }

  /** How long to wait for one reply before treating the connection as lost. */
  public Duration replyTimeout() {
    return replyTimeout;
  }

  /** Closes the session; idempotent. Ephemeral state of this daemon has none to lose. */
  @Override
  public void close() {
    if (lifecycle.close() && curator != null) {
      curator.close();
    }
  }
}
