package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.NodeInfo;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkEnsemble;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Smoke test of the harness: real servers of every supported version start from the jars the build
 * fetched, serve the plain client, and keep their data across {@code kill -9}; ensembles of the
 * oldest and newest version elect a new leader and recover from losing every member.
 */
@ExtendWith(ProcessScopeExtension.class)
class ZkServerVersionsIT {

  static List<String> versions() {
    // Every supported version: a start takes about a second, and it proves each fetched classpath.
    return List.of(
        E2EConfig.ZK34,
        E2EConfig.ZK35,
        E2EConfig.ZK36,
        E2EConfig.ZK37,
        E2EConfig.ZK38,
        E2EConfig.ZK39);
  }

  static List<String> ensembleVersions() {
    return List.of(E2EConfig.ZK34, E2EConfig.ZK39);
  }

  @ParameterizedTest
  @MethodSource("versions")
  void standaloneServesAndKeepsDataAcrossKill9(String version, ProcessScope scope)
      throws Exception {
    ZkServerProcess server = scope.startZk(version);
    assertThat(server.mode()).contains("standalone");
    assertThat(server.srvr()).contains("Zookeeper version: " + version);

    SortedMap<String, NodeInfo> written;
    try (Zk zk = Zk.connect(server.connectString())) {
      zk.createPersistent("/smoke", "hello".getBytes(UTF_8));
      zk.createPersistent("/smoke/null", null);
      zk.createPersistent("/smoke/empty", new byte[0]);
      // multi with a parent and its child: what the daemons use on every version
      zk.multi(
          List.of(
              Op.create("/smoke/p", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
              Op.create(
                  "/smoke/p/c",
                  "c".getBytes(UTF_8),
                  ZooDefs.Ids.OPEN_ACL_UNSAFE,
                  CreateMode.PERSISTENT)));
      String seq = zk.createSequential("/smoke/lock-", new byte[] {0, (byte) 255});
      assertThat(seq).matches("/smoke/lock-\\d{10}");
      zk.createEphemeral("/smoke/eph", "e".getBytes(UTF_8));

      written = zk.readTree("/smoke");
      assertThat(written).containsKeys("/smoke", "/smoke/p/c", seq, "/smoke/eph");
      assertThat(written.get("/smoke/null").data()).isNull();
      assertThat(written.get("/smoke/empty").data()).isEmpty();
      assertThat(written.get("/smoke/eph").ephemeral()).isTrue();
      assertThat(written.get("/smoke").ephemeral()).isFalse();
      // /zookeeper is left out of tree reads unless asked for
      assertThat(zk.readTree("/")).doesNotContainKey("/zookeeper");
      assertThat(zk.readTree("/", List.of())).containsKey("/zookeeper/quota");
    }
    // the session closed: its ephemeral node is gone, the rest stays
    written.remove("/smoke/eph");

    server.kill9();
    assertThat(server.isAlive()).isFalse();
    server.start();

    try (Zk zk = Zk.connect(server.connectString())) {
      assertThat(zk.readTree("/smoke")).isEqualTo(written);
      zk.deleteRecursive("/smoke");
      assertThat(zk.exists("/smoke")).isNull();
    }

    server.stop();
    assertThat(server.isAlive()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("ensembleVersions")
  void ensembleSurvivesLeaderLossAndKeepsDataAcrossKill9(String version, ProcessScope scope)
      throws Exception {
    ZkEnsemble ensemble = scope.startEnsemble(version);
    ZkServerProcess leader = ensemble.leader(Duration.ofSeconds(30));

    try (Zk zk = Zk.connect(ensemble.connectString())) {
      zk.createPersistent("/ens", "1".getBytes(UTF_8));
    }

    leader.kill9();
    ZkServerProcess newLeader = ensemble.leader(Duration.ofSeconds(30));
    assertThat(newLeader).isNotSameAs(leader);
    try (Zk zk = Zk.connect(ensemble.connectString())) {
      zk.setData("/ens", "2".getBytes(UTF_8));
    }
    leader.start();

    ensemble.kill9All();
    ensemble.restartStopped();
    try (Zk zk = Zk.connect(ensemble.connectString())) {
      assertThat(zk.getData("/ens")).isEqualTo("2".getBytes(UTF_8));
    }
    // every member has the data, the restarted old leader included
    try (Zk zk = Zk.connect(leader.connectString())) {
      zk.raw().sync("/ens", (rc, path, ctx) -> {}, null);
      assertThat(zk.getData("/ens")).isEqualTo("2".getBytes(UTF_8));
    }
  }
}
