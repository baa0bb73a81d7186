package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.WatchMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * all_sync in-process against two real ZooKeeper servers (curator-test), once with the persistent
 * recursive watch and once with per-node watches (the 3.4/3.5 strategy).
 */
class AllSyncIT extends TwoServers {

  private SyncDaemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private void startDaemon(String path, WatchMode mode) throws Exception {
    daemon =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), path, 60, mode));
    daemon.start();
  }

  private void awaitInSync(Duration within) {
    await()
        .atMost(within)
        .untilAsserted(
            () ->
                assertThat(Trees.read(onT, "/"))
                    .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
  }

  @ParameterizedTest
  @EnumSource(
      value = WatchMode.class,
      names = {"PERSISTENT", "PER_NODE"})
  void initialSyncCopiesTreeAndLiveChangesFollow(WatchMode mode) throws Exception {
    Trees.createP(onS, "/app", "a");
    Trees.createP(onS, "/app/conf", null);
    Trees.create(onS, "/app/empty", new byte[0], CreateMode.PERSISTENT);
    ZooKeeper client = Trees.connect(s.getConnectString());
    Trees.create(client, "/app/inst", "e".getBytes(), CreateMode.EPHEMERAL);
    startDaemon("/", mode);

    awaitInSync(Duration.ofSeconds(20));
    assertThat(onT.getData("/app/conf", false, null)).isNull();
    assertThat(onT.getData("/app/empty", false, null)).isEmpty();

    Trees.createP(onS, "/app/new", "n");
    onS.setData("/app", "a2".getBytes(), -1);
    onS.delete("/app/empty", -1);
    client.close();
    awaitInSync(Duration.ofSeconds(10));
    assertThat(onT.exists("/app/inst", false)).isNull();
  }

  @ParameterizedTest
  @EnumSource(
      value = WatchMode.class,
      names = {"PERSISTENT", "PER_NODE"})
  void parentAndChildrenCreatedInOneTransactionAndDeepChainsArrive(WatchMode mode)
      throws Exception {
    startDaemon("/", mode);
    // the original missed children created together with their parent (defect 1 of
    // docs/original-tool.md)
    List<Op> ops = new ArrayList<>();
    ops.add(Op.create("/tx", "p".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    for (int i = 0; i < 20; i++) {
      ops.add(Op.create("/tx/c" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }
    onS.multi(ops);
    // and a chain of 200 nested nodes (defect 5 of docs/original-tool.md)
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      p.append("/d");
      Trees.createP(onS, p.toString(), String.valueOf(i));
    }
    awaitInSync(Duration.ofSeconds(20));
  }

  @ParameterizedTest
  @EnumSource(
      value = WatchMode.class,
      names = {"PERSISTENT", "PER_NODE"})
  void neverDeletesAnEphemeralOnTNorItsAncestors(WatchMode mode) throws Exception {
    Trees.createP(onS, "/reg", "");
    Trees.createP(onS, "/reg/providers", "");
    startDaemon("/", mode);
    await().atMost(Duration.ofSeconds(10)).until(() -> onT.exists("/reg/providers", false) != null);
    ZooKeeper clientOnT = Trees.connect(t.getConnectString());
    Trees.create(clientOnT, "/reg/providers/live", "x".getBytes(), CreateMode.EPHEMERAL);
    Trees.createP(onS, "/reg/other", "");
    onS.delete("/reg/providers", -1);
    onS.delete("/reg/other", -1);
    onS.delete("/reg", -1);
    // /reg/other proves the deletes were processed; /reg and /reg/providers must stay
    await().atMost(Duration.ofSeconds(10)).until(() -> onT.exists("/reg/other", false) == null);
    assertThat(onT.exists("/reg/providers/live", false).getEphemeralOwner()).isNotZero();
    assertThat(onT.exists("/reg/providers", false)).isNotNull();
    assertThat(onT.exists("/reg", false)).isNotNull();
    clientOnT.close();
  }
}
