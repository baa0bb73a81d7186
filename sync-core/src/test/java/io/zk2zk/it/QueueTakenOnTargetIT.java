package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.SyncScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Rule 37 with a real all_sync and t_sync: a queue item produced on S and taken by a consumer on T
 * is gone from both sides and never copied again, also when t_sync was down when it was taken; an
 * item consumed on S goes from T with its receipt; an item not copied yet is never deleted on S.
 */
class QueueTakenOnTargetIT extends TwoServers {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();
  private SyncDaemon allSync;
  private SyncDaemon tSync;

  @BeforeEach
  void listen() {
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
  }

  @AfterEach
  void stop() {
    if (tSync != null) {
      tSync.close();
    }
    if (allSync != null) {
      allSync.close();
    }
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
  }

  private SyncDaemon started(DaemonKind kind) throws Exception {
    boolean all = kind == DaemonKind.ALL_SYNC;
    SyncDaemon d =
        new SyncDaemon(
            DaemonFixture.config(
                kind, (all ? s : t).getConnectString(), (all ? t : s).getConnectString(), "/", 1));
    d.start();
    return d;
  }

  private String produceOnS(String data) throws Exception {
    return onS.create(
        "/queue/item-",
        data.getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT_SEQUENTIAL);
  }

  private static String receipt(ZooKeeper onT, String path) throws Exception {
    String r = SyncScope.receiptPath(path);
    return onT.exists(r, false) == null
        ? null
        : new String(onT.getData(r, false, null), StandardCharsets.US_ASCII);
  }

  private List<String> linesOf(String path) {
    return monitor.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.endsWith("[" + path + "]"))
        .toList();
  }

  private static void awaitPasses(SyncDaemon d, int n) {
    double before = DaemonFixture.counter(d, "zk2zk_reconcile_passes");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> DaemonFixture.counter(d, "zk2zk_reconcile_passes") >= before + n);
  }

  @Test
  void anItemProducedOnSAndTakenOnTIsGoneFromBothAndNeverCopiedAgain() throws Exception {
    Trees.createP(onS, "/queue", "");
    allSync = started(DaemonKind.ALL_SYNC);
    tSync = started(DaemonKind.T_SYNC);

    String taken = produceOnS("job-1");
    await().atMost(DEADLINE).until(() -> onT.exists(taken, false) != null);
    long czxid = onS.exists(taken, false).getCzxid();
    assertThat(receipt(onT, taken)).isEqualTo(Long.toString(czxid));

    onT.delete(taken, -1); // the consumer on T takes it
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onS.exists(taken, false)).isNull();
              assertThat(receipt(onT, taken)).isNull();
            });

    // the other way: consumed on S, gone from T with its receipt
    String consumedOnS = produceOnS("job-2");
    await().atMost(DEADLINE).until(() -> receipt(onT, consumedOnS) != null);
    onS.delete(consumedOnS, -1);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onT.exists(consumedOnS, false)).isNull();
              assertThat(receipt(onT, consumedOnS)).isNull();
            });

    awaitPasses(allSync, 2);
    awaitPasses(tSync, 2);
    for (String p : List.of(taken, consumedOnS)) {
      assertThat(onS.exists(p, false)).as(p).isNull();
      assertThat(onT.exists(p, false)).as(p).isNull();
    }
    assertThat(onT.getChildren(SyncScope.RECEIPTS, false)).isEmpty();
    assertThat(onT.exists("/queue", false)).isNotNull();
    // one copy, one delete on S; never a second copy
    assertThat(linesOf(taken))
        .containsExactly(
            "[EventNodeCreated]\t[success]\t[]\t[" + taken + "]",
            "[EventNodeDeleted]\t[success]\t[]\t[" + taken + "]");
    assertThat(linesOf(consumedOnS))
        .containsExactly(
            "[EventNodeCreated]\t[success]\t[]\t[" + consumedOnS + "]",
            "[EventNodeDeleted]\t[success]\t[]\t[" + consumedOnS + "]");
  }

  @Test
  void whateverDaemonWasDownTheItemIsTakenOnceAndAnUncopiedItemStaysOnS() throws Exception {
    Trees.createP(onS, "/queue", "");
    allSync = started(DaemonKind.ALL_SYNC);
    tSync = started(DaemonKind.T_SYNC);
    String takenWhileTSyncDown = produceOnS("job-1");
    String consumedWhileAllSyncDown = produceOnS("job-2");
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                receipt(onT, takenWhileTSyncDown) != null
                    && receipt(onT, consumedWhileAllSyncDown) != null);

    // t_sync down: the item taken on T is not copied again by all_sync's passes
    tSync.close();
    onT.delete(takenWhileTSyncDown, -1);
    awaitPasses(allSync, 2);
    assertThat(onT.exists(takenWhileTSyncDown, false)).isNull();
    assertThat(onS.exists(takenWhileTSyncDown, false)).isNotNull();

    // all_sync down: an item consumed on S meanwhile, and one produced and not copied yet
    allSync.close();
    onS.delete(consumedWhileAllSyncDown, -1);
    String notCopiedYet = produceOnS("job-3");
    tSync = started(DaemonKind.T_SYNC);
    await().atMost(DEADLINE).until(() -> onS.exists(takenWhileTSyncDown, false) == null);
    awaitPasses(tSync, 2);
    assertThat(onS.exists(notCopiedYet, false)).as("no receipt: never taken").isNotNull();
    assertThat(onT.exists(consumedWhileAllSyncDown, false)).isNotNull(); // all_sync's to delete

    allSync = started(DaemonKind.ALL_SYNC);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onT.exists(consumedWhileAllSyncDown, false)).isNull();
              assertThat(new String(onT.getData(notCopiedYet, false, new Stat())))
                  .isEqualTo("job-3");
              assertThat(onT.getChildren(SyncScope.RECEIPTS, false))
                  .containsExactly(
                      SyncScope.receiptPath(notCopiedYet)
                          .substring(SyncScope.RECEIPTS.length() + 1));
            });
    assertThat(onS.exists(notCopiedYet, false)).isNotNull();
  }
}
