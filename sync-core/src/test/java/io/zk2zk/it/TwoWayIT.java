package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** all_sync and t_sync together, in-process, against two real ZooKeeper servers. */
class TwoWayIT extends TwoServers {

  private SyncDaemon allSync;
  private SyncDaemon tSync;

  @BeforeEach
  void start() throws Exception {
    Trees.createP(onS, "/svc", "");
    Trees.createP(onS, "/svc/providers", "");
    allSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60));
    tSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.T_SYNC, t.getConnectString(), s.getConnectString(), "/", 60));
    allSync.start();
    tSync.start();
  }

  @AfterEach
  void stop() throws Exception {
    tSync.close();
    allSync.close();
  }

  private static Stat stat(ZooKeeper zk, String path) throws Exception {
    return zk.exists(path, false);
  }

  private static boolean recorded(ZooKeeper onT, String path) throws Exception {
    return onT.exists(SyncScope.MIGRATION_ROOT + "/" + RecordName.escape(path), false) != null;
  }

  private static String recordData(ZooKeeper onT, String path) throws Exception {
    String record = SyncScope.MIGRATION_ROOT + "/" + RecordName.escape(path);
    return onT.exists(record, false) == null
        ? null
        : new String(onT.getData(record, false, null), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void registrationsOnEitherSideAreSeenOnBoth() throws Exception {
    ZooKeeper clientS = Trees.connect(s.getConnectString());
    Trees.create(clientS, "/svc/providers/a", "a".getBytes(), CreateMode.EPHEMERAL);
    await().atMost(Duration.ofSeconds(10)).until(() -> stat(onT, "/svc/providers/a") != null);
    assertThat(stat(onT, "/svc/providers/a").getEphemeralOwner()).isZero();

    // a client that moved to T registers there, parents created on the fly
    ZooKeeper clientT = Trees.connect(t.getConnectString());
    Trees.create(clientT, "/svc/providers/b", "b".getBytes(), CreateMode.EPHEMERAL);
    Trees.createP(clientT, "/newsvc", "n");
    Trees.createP(clientT, "/newsvc/providers", null);
    Trees.create(clientT, "/newsvc/providers/c", "c".getBytes(), CreateMode.EPHEMERAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(onS.getData("/svc/providers/b", false, null)).isEqualTo("b".getBytes());
              assertThat(onS.getData("/newsvc/providers/c", false, null)).isEqualTo("c".getBytes());
            });
    assertThat(onS.getData("/newsvc", false, null)).isEqualTo("n".getBytes());
    assertThat(onS.getData("/newsvc/providers", false, null)).isNull();
    assertThat(recorded(onT, "/svc/providers/b")).isTrue();
    assertThat(recorded(onT, "/newsvc/providers/c")).isTrue();
    // the parents the client created on T are its own nodes: carried, their records say so
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(recordData(onT, "/newsvc")).isEqualTo("carried");
              assertThat(recordData(onT, "/newsvc/providers")).isEqualTo("carried");
            });

    // the client on T stops: its copies on S and their records go; the parents stay on both
    // sides, with their records
    clientT.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(stat(onS, "/svc/providers/b")).isNull();
              assertThat(stat(onS, "/newsvc/providers/c")).isNull();
              assertThat(onT.getChildren(SyncScope.MIGRATION_ROOT, false))
                  .containsExactlyInAnyOrder(
                      RecordName.escape("/newsvc"), RecordName.escape("/newsvc/providers"));
            });
    assertThat(stat(onS, "/newsvc/providers")).isNotNull();
    assertThat(stat(onT, "/newsvc/providers")).isNotNull();
    assertThat(stat(onT, "/svc/providers/a")).isNotNull();
    clientS.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> stat(onT, "/svc/providers/a") == null);
  }

  @Test
  void fixedNameEphemeralMovesFromSToTWithinOneSecond() throws Exception {
    ZooKeeper clientS = Trees.connect(s.getConnectString());
    Trees.create(clientS, "/svc/providers/broker-1", "x".getBytes(), CreateMode.EPHEMERAL);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stat(onT, "/svc/providers/broker-1") != null);

    ZooKeeper clientT = Trees.connect(t.getConnectString());
    clientS.close();
    long started = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              try {
                Trees.create(
                    clientT, "/svc/providers/broker-1", "y".getBytes(), CreateMode.EPHEMERAL);
                return true;
              } catch (KeeperException.NodeExistsException e) {
                return false;
              }
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(onS.getData("/svc/providers/broker-1", false, null))
                    .isEqualTo("y".getBytes()));
    assertThat(stat(onT, "/svc/providers/broker-1").getEphemeralOwner()).isNotZero();
    assertThat(List.of(recorded(onT, "/svc/providers/broker-1"))).containsExactly(true);
    clientT.close();
  }
}
