package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.reconcile.PassResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Records that cannot be read or do not name a valid path never cause harm or stop passes. */
class RecordsIT extends TwoServers {

  private SyncDaemon daemon;
  private final List<PassResult> passes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Trees.createP(onT, "/zk2zk_migration", "");
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private void startDaemon(DaemonKind kind, String src, String dst) throws Exception {
    daemon = new SyncDaemon(DaemonFixture.config(kind, src, dst, "/", 1), passes::add, e -> {});
    daemon.start();
  }

  @Test
  void aRecordThatCannotBeReadCountsAsPresentSoNothingIsCopiedBack() throws Exception {
    // a t_sync copy on S whose record on T the daemon may not read (exists needs READ on 3.9)
    Trees.createP(onS, "/svc", "");
    Trees.createP(onS, "/svc/copy", "from T");
    String digest = DigestAuthenticationProvider.generateDigest("someone:secret");
    onT.create(
        "/zk2zk_migration/%2Fsvc%2Fcopy",
        new byte[0],
        new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))),
        CreateMode.PERSISTENT);
    startDaemon(DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString());
    await().atMost(Duration.ofSeconds(20)).until(() -> passes.size() >= 2);
    assertThat(onT.exists("/svc", false)).isNotNull();
    assertThat(onT.exists("/svc/copy", false)).isNull();
  }

  @Test
  void malformedRecordNamesDoNotStopPassesAndTSyncRemovesThem() throws Exception {
    for (String name : List.of("backup", "%ZZ", "%2Fa%2F", "%2Fa%2F%2Fb")) {
      Trees.createP(onT, "/zk2zk_migration/" + name, "");
    }
    ZooKeeper clientOnT = Trees.connect(t.getConnectString());
    Trees.createP(onT, "/svc", "");
    Trees.create(clientOnT, "/svc/live", "x".getBytes(), CreateMode.EPHEMERAL);
    startDaemon(DaemonKind.T_SYNC, t.getConnectString(), s.getConnectString());
    await().atMost(Duration.ofSeconds(20)).until(() -> passes.size() >= 2);
    assertThat(onS.getData("/svc/live", false, null)).isEqualTo("x".getBytes());
    assertThat(onT.getChildren("/zk2zk_migration", false)).containsExactly("%2Fsvc%2Flive");
    assertThat(passes.get(passes.size() - 1).sourceCount()).isEqualTo(1);
    clientOnT.close();
  }
}
