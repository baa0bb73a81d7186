package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** all_sync in-process against two real ZooKeeper servers (curator-test). */
class AllSyncIT {

  private TestingServer s;
  private TestingServer t;
  private ZooKeeper onS;
  private ZooKeeper onT;
  private SyncDaemon daemon;

  @BeforeEach
  void servers() throws Exception {
    s = new TestingServer(true);
    t = new TestingServer(true);
    onS = Trees.connect(s.getConnectString());
    onT = Trees.connect(t.getConnectString());
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    onS.close();
    onT.close();
    s.close();
    t.close();
  }

  private void startDaemon(String path) throws Exception {
    daemon =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), path, 60));
    daemon.start();
  }

  @Test
  void initialSyncCopiesTreeAndLiveChangesFollow() throws Exception {
    Trees.createP(onS, "/app", "a");
    Trees.createP(onS, "/app/conf", null);
    Trees.create(onS, "/app/empty", new byte[0], CreateMode.PERSISTENT);
    ZooKeeper client = Trees.connect(s.getConnectString());
    Trees.create(client, "/app/inst", "e".getBytes(), CreateMode.EPHEMERAL);
    startDaemon("/");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(Trees.read(onT, "/"))
                    .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
    assertThat(onT.getData("/app/conf", false, null)).isNull();
    assertThat(onT.getData("/app/empty", false, null)).isEmpty();

    Trees.createP(onS, "/app/new", "n");
    onS.setData("/app", "a2".getBytes(), -1);
    onS.delete("/app/empty", -1);
    client.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Trees.read(onT, "/"))
                    .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
    assertThat(onT.exists("/app/inst", false)).isNull();
  }
}
