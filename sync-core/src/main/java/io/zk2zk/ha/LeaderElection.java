package io.zk2zk.ha;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.lifecycle.NamedThreads;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.StartupException;
import io.zk2zk.zk.ZkSide;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.StandardConnectionStateErrorPolicy;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader election among the instances of one daemon ({@code --ha}): Curator's {@link
 * LeaderLatch} on T, on a session of its own, tells the {@link Leadership} when this instance must
 * start and stop syncing.
 *
 * <p>Why a {@code LeaderLatch}: leadership is a state the daemon follows (start the pipeline when
 * it turns true, stop it when it turns false), and {@link #isLeader()} can be read by every write
 * at no cost. A {@code LeaderSelector} would hold a thread blocked for the whole term instead.
 *
 * <p>Why a session of its own: a killed leader keeps the lead until the server expires its session,
 * so the election's session is short ({@code --haSession}, 4 s by default) while the sync sessions
 * keep their longer timeouts, which ride out network blips without a full reconcile.
 *
 * <p>Why Curator's standard connection-state error policy: with it the latch gives up the lead as
 * soon as the election session is SUSPENDED (no answer from T for 2/3 of the session timeout),
 * before the server can expire the session and elect another instance. The session policy would
 * keep the lead until Curator declares the session LOST, which is later than the server's expiry:
 * two leaders would write at once. The price is that a blip of the election session stops the
 * pipeline; when the same session comes back the latch (still first in line) elects this instance
 * again, and the new term begins with a full reconcile pass.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /** What the daemon does when the lead changes; called in order on the election's thread. */
  public interface Leadership {
    /** This instance leads now: start syncing (a full reconcile first: changes were missed). */
    void startSyncing() throws InterruptedException;

    /** This instance no longer leads: stop syncing. Writes are already refused by then. */
    void stopSyncing();
  }

  private final ZkSide side;
  private final String path;
  private final String id;
  private final Leadership leadership;
  private final Lifecycle lifecycle = new Lifecycle();
  private final ScheduledExecutorService events =
      Executors.newSingleThreadScheduledExecutor(NamedThreads.named("zk2zk-ha"));
  private volatile LeaderLatch latch;
  // touched only on the zk2zk-ha thread
  private boolean syncing;
  private String reportedLeader;

  /**
   * @param side a session of its own on T (not yet started); this election owns and closes it
   * @param path the election's parent node, see {@link #electionPath}
   * @param id this instance's participant id, see {@link #localId()}
   */
  public LeaderElection(ZkSide side, String path, String id, Leadership leadership) {
    this.side = side;
    this.path = path;
    this.id = id;
    this.leadership = leadership;
  }

  /**
   * {@code /zk2zk_ha/<daemon>/<escaped --path>}: instances of different daemons, or syncing
   * different paths, do not compete.
   */
  public static String electionPath(DaemonKind kind, String syncedPath) {
    return SyncScope.HA_ROOT + "/" + kind.commandName() + "/" + RecordName.escape(syncedPath);
  }

  /** {@code host:pid}: what operators see as the leader in the other instances' logs. */
  public static String localId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown-host";
    }
    return host + ":" + ProcessHandle.current().pid();
  }

  /** Opens the election's session and joins the election; returns without waiting for the lead. */
  public void start(Duration wait) throws StartupException, InterruptedException {
    lifecycle.startOnce();
    side.start(wait);
    if (side.serverVersion().startsWith("3.4.")) {
      throw new StartupException(
          "--ha needs ZooKeeper 3.5 or later on T: "
              + side.connectString()
              + " runs "
              + side.serverVersion()
              + " (Curator's leader election sends create2 requests)");
    }
    if (!(side.curator().getConnectionStateErrorPolicy()
        instanceof StandardConnectionStateErrorPolicy)) {
      throw new IllegalStateException("the election relies on the standard error policy");
    }
    // plain creates, which every server accepts, so that the recipe finds its parents in place
    String parent = "";
    for (String name : path.substring(1).split("/")) {
      parent += "/" + name;
      Code rc = side.ensureExists(parent, side.replyTimeout());
      if (rc != Code.OK) {
        throw new StartupException(
            "cannot create " + parent + " on T (" + side.connectString() + "): " + rc);
      }
    }
    side.addConnectionListener(
        s -> {
          if (s == ConnectionState.RECONNECTED) {
            submit(this::reportLeader); // a new session has lost the children watch
          }
        });
    join();
    log.info(
        "high availability: this instance is {}; joined the leader election under {} on T {}",
        id,
        path,
        side.connectString());
    submit(this::reportLeader);
    try {
      // the recipe creates its node in the background, and Curator's own log is off at info
      events.schedule(this::checkJoined, side.replyTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Creates this instance's latch and joins the election with it. */
  private void join() throws StartupException {
    LeaderLatch l = new LeaderLatch(side.curator(), path, id);
    l.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            elected();
          }

          @Override
          public void notLeader() {
            deposed();
          }
        },
        events);
    latch = l;
    try {
      l.start();
    } catch (Exception e) {
      throw new StartupException("cannot join the leader election on T: " + e.getMessage());
    }
  }

  /**
   * This instance's election node while it leads, else null: the fence of its writes to T. Read
   * before the lead, so that a node read while the latch renews it is the old one, which a fenced
   * write finds gone.
   */
  public String leaderNode() {
    LeaderLatch l = latch;
    if (l == null) {
      return null;
    }
    String node = l.getOurPath();
    return node != null && isLeader() ? node : null;
  }

  /**
   * A fenced write found {@code node} gone from T: whatever the latch believes (a leader does not
   * watch its own node), another instance may lead. Leaves the election and joins it again, which
   * stops this term; if this instance is still first in line, a new term starts.
   */
  public void fenceLost(String node) {
    submit(
        () -> {
          LeaderLatch l = latch;
          if (!lifecycle.isStarted() || l == null || !node.equals(l.getOurPath())) {
            return; // the latch has moved on already
          }
          log.warn(
              "a write found this instance's election node {} gone from T: another instance may"
                  + " lead; stopping to sync and joining the election again",
              node);
          try {
            l.close(LeaderLatch.CloseMode.NOTIFY_LEADER);
          } catch (Exception e) {
            log.warn("leaving the leader election: {}", e.getMessage());
          }
          try {
            join();
          } catch (StartupException e) {
            log.error("{}; this instance stands by", e.getMessage());
          }
        });
  }

  private void checkJoined() {
    LeaderLatch l = latch;
    if (lifecycle.isStarted() && l != null && l.getOurPath() == null) {
      log.error(
          "this instance has no node in the leader election under {} on T yet and cannot lead;"
              + " check its rights on {} (--logLevel debug shows Curator's reason)",
          path,
          path);
    }
  }

  /** True while this instance holds the lead; false at once when the election session falters. */
  public boolean isLeader() {
    LeaderLatch l = latch;
    return l != null && l.hasLeadership() && lifecycle.isStarted();
  }

  /** This instance's participant id. */
  public String id() {
    return id;
  }

  /** Starts syncing, unless the lead is already gone again (a "deposed" event follows). */
  private void elected() {
    if (lifecycle.isStarted() && isLeader() && !syncing) {
      log.info("elected leader ({}), starting to sync", id);
      syncing = true;
      reportedLeader = id;
      try {
        leadership.startSyncing();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops syncing even if the lead came back meanwhile: while the gate was closed the pipeline's
   * threads stopped, so a new term starts afresh (an "elected" event follows).
   */
  private void deposed() {
    if (lifecycle.isStarted() && syncing) {
      log.warn(
          "lost the lead ({}), stopping to sync and standing by",
          side.isConnected()
              ? "the election session to T was interrupted"
              : "the election session to T " + side.connectString() + " is disconnected");
      syncing = false;
      leadership.stopSyncing();
      reportLeader();
    }
  }

  /** Logs who leads when it changed, and watches the election for the next change. */
  private void reportLeader() {
    if (!lifecycle.isStarted() || isLeader()) {
      return;
    }
    Watcher onChange = e -> submit(this::reportLeader);
    Reply r = awaitQuietly(side.getChildren(path, onChange));
    if (!r.ok() || r.children().isEmpty()) {
      return; // disconnected (reported again on reconnect) or nobody has joined yet
    }
    String leader;
    try {
      Participant p = latch.getLeader();
      leader = p.isLeader() ? p.getId() : null;
    } catch (Exception e) {
      return; // the next change of the election reports it
    }
    if (leader != null && !leader.equals(reportedLeader) && !isLeader()) {
      reportedLeader = leader;
      log.info("standing by: {} leads", leader);
    }
  }

  private Reply awaitQuietly(java.util.concurrent.CompletableFuture<Reply> f) {
    try {
      return ZkSide.await(f, side.replyTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.of(Code.CONNECTIONLOSS);
    }
  }

  private void submit(Runnable task) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException e) {
      // closing: nothing to report any more
    }
  }

  /**
   * Leaves the election (deleting this instance's node, so that a standby takes over at once) and
   * closes its session. The daemon stops syncing before, so that the next leader never overlaps
   * with this one's last writes. Idempotent.
   */
  @Override
  public void close() {
    if (!lifecycle.close()) {
      events.shutdownNow();
      return;
    }
    LeaderLatch l = latch;
    if (l != null) {
      try {
        l.close();
      } catch (Exception e) {
        log.warn("leaving the leader election: {}", e.getMessage());
      }
    }
    events.shutdownNow();
    try {
      events.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    side.close();
  }
}
