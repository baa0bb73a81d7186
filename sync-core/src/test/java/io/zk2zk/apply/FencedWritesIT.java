package io.zk2zk.apply;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zk2zk.config.SideSecurity;
import io.zk2zk.config.Tuning;
import io.zk2zk.it.Trees;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes behind a fence ({@code --ha}, on T) against a real server: while the fence node exists
 * they apply and are judged as unfenced writes are (NodeExists on create and NoNode on delete are
 * success); once it is gone nothing of them applies, the gate hears of it, and the caller stops.
 */
class FencedWritesIT {

  private static final String FENCE = "/zk2zk_ha/all_sync/%2F/_c_x-latch-0000000000";

  private TestingServer server;
  private ZooKeeper plain;
  private ZkSide side;
  private final List<String> lost = new CopyOnWriteArrayList<>();
  private Applier writer;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    plain = Trees.connect(server.getConnectString());
    plain.create("/zk2zk_ha", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    plain.create("/zk2zk_ha/all_sync", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    plain.create(
        "/zk2zk_ha/all_sync/%2F", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    plain.create(FENCE, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    plain.create("/app", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    plain.create("/app/there", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    side =
        new ZkSide(
            "T",
            ConnectString.parse(List.of(server.getConnectString())),
            Duration.ofSeconds(10),
            16,
            SideSecurity.NONE);
    side.start(Duration.ofSeconds(20));
    writer =
        new Applier(side, Tuning.defaults(), false, WriteGate.fencedBy(() -> FENCE, lost::add));
  }

  @AfterEach
  void stop() throws Exception {
    side.close();
    plain.close();
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void whileTheFenceStandsWritesApplyAndAreJudgedAsUnfencedOnes() throws Exception {
    List<WriteOp> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(new WriteOp.Create("/app/n" + i, bytes("v" + i)));
    }
    assertThat(writer.apply(batch)).allMatch(Outcome::success);

    Outcome exists = writer.applyOne(new WriteOp.Create("/app/there", bytes("x")));
    Outcome absent = writer.applyOne(new WriteOp.Delete("/app/never", -1));
    Outcome set = writer.applyOne(new WriteOp.SetData("/app/n1", bytes("changed")));
    Outcome noParent = writer.applyOne(new WriteOp.Create("/none/child", bytes("c")));

    assertThat(exists.success()).isTrue();
    assertThat(exists.extra()).isEqualTo("has created");
    assertThat(absent.success()).isTrue();
    assertThat(absent.extra()).isEqualTo("has deleted");
    assertThat(set.success()).isTrue();
    assertThat(noParent.code()).isEqualTo(org.apache.zookeeper.KeeperException.Code.NONODE);
    assertThat(plain.getChildren("/app", false)).hasSize(6);
    assertThat(plain.getData("/app/n1", false, null)).isEqualTo(bytes("changed"));
    assertThat(lost).isEmpty();
  }

  @Test
  void onceTheFenceIsGoneNothingAppliesAndTheCallerStops() throws Exception {
    plain.delete(FENCE, -1);
    List<WriteOp> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(new WriteOp.Create("/app/n" + i, bytes("v" + i)));
    }

    assertThatThrownBy(() -> writer.apply(batch)).isInstanceOf(NotLeaderException.class);
    assertThatThrownBy(() -> writer.applyOne(new WriteOp.Delete("/app/there", -1)))
        .isInstanceOf(NotLeaderException.class);

    assertThat(plain.getChildren("/app", false)).containsExactly("there");
    assertThat(lost).containsOnly(FENCE).isNotEmpty();
  }

  @Test
  void aGateWithoutTheLeadSendsNothing() throws Exception {
    Applier standby =
        new Applier(side, Tuning.defaults(), false, WriteGate.fencedBy(() -> null, lost::add));
    assertThatThrownBy(() -> standby.applyOne(new WriteOp.Create("/app/n0", bytes("v"))))
        .isInstanceOf(NotLeaderException.class);
    assertThat(plain.exists("/app/n0", false)).isNull();
    assertThat(lost).isEmpty();
  }
}
