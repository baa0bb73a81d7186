package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.apply.WriteGate;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.SyncStages;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.metrics.SyncMetrics;
import io.zk2zk.reconcile.FullReconcile;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping a pass (SIGTERM, a lost lead) while it waits for its writers stops the writers too:
 * otherwise the pass goes on writing after the daemon gave it up.
 */
class PassInterruptIT extends TwoServers {

  private ZkSide sideS;
  private ZkSide sideT;
  private final AtomicBoolean released = new AtomicBoolean();

  @AfterEach
  void closeSides() {
    released.set(true);
    if (sideS != null) {
      sideS.close();
    }
    if (sideT != null) {
      sideT.close();
    }
  }

  private static ZkSide side(String role, String cs) throws Exception {
    ZkSide side =
        new ZkSide(
            role, ConnectString.parse(List.of(cs)), Duration.ofSeconds(10), 50, SideSecurity.NONE);
    side.start(Duration.ofSeconds(20));
    return side;
  }

  private static boolean draining(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("drain"));
  }

  @Test
  void anInterruptWhileThePassDrainsItsWritersInterruptsTheWriters() throws Exception {
    Trees.createP(onS, "/a", "to copy");
    sideS = side("S", s.getConnectString());
    sideT = side("T", t.getConnectString());
    CountDownLatch writing = new CountDownLatch(1);
    // the write gate holds the chunk's write until the test ends; an interrupted writer sees it
    // closed, as a standby that lost the lead does
    WriteGate gate =
        WriteGate.whileLeading(
            () -> {
              writing.countDown();
              while (!released.get()) {
                if (Thread.currentThread().isInterrupted()) {
                  return false;
                }
                LockSupport.parkNanos(10_000_000);
              }
              return true;
            });
    SyncConfig config =
        DaemonFixture.config(
            DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 3600);
    SyncScope scope = new SyncScope("/");
    DirtyPaths dirty = new DirtyPaths();
    SyncMetrics metrics = new SyncMetrics(DaemonKind.ALL_SYNC);
    AuditLog audit = new AuditLog(metrics);
    SyncStages stages =
        SyncStages.wire(config, scope, sideS, sideT, WatchUpkeep.NONE, dirty, audit, gate, gate);
    TreeWalk walk =
        new TreeWalk(
            sideS,
            sideT,
            DaemonKind.ALL_SYNC,
            scope,
            WatchUpkeep.NONE,
            config.tuning().reconcileBatch(),
            false,
            TreeWalk.ChildOrder.AS_LISTED);
    FullReconcile pass =
        new FullReconcile(
            config,
            scope,
            sideS,
            walk,
            stages.batch(),
            stages.records(),
            stages.recordWriter(),
            stages.counters(),
            stages.markers(),
            dirty,
            audit,
            metrics);
    Thread reconcile =
        new Thread(
            () -> {
              try {
                pass.run();
              } catch (Exception e) {
                // interrupted: what the test does
              }
            },
            "test-reconcile");
    reconcile.setDaemon(true);
    reconcile.start();
    assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> draining(reconcile));

    reconcile.interrupt();

    reconcile.join(5_000);
    assertThat(reconcile.isAlive())
        .as("the pass still waits for a write it was told to abandon")
        .isFalse();
  }
}
