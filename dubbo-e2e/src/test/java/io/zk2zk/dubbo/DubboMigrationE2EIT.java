package io.zk2zk.dubbo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FreePorts;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real Dubbo 3.2 processes across a migration (issue 13): a new application exports a new interface
 * on T only (ZooKeeper 3.9), while S (3.5) still serves the others. Its interface-app mapping
 * ({@code /dubbo/mapping/<interface>}) and its metadata ({@code /dubbo/metadata/<app>/...}) are
 * persistent nodes Dubbo writes on T: t_sync carries them to S, all_sync keeps them on T, and
 * consumers on S and on T, restricted to application-level discovery (which needs exactly those
 * nodes), call the provider.
 */
@ExtendWith(ProcessScopeExtension.class)
class DubboMigrationE2EIT {

  private static final String INTERFACE = Greeter.class.getName();
  private static final Duration WITHIN = Duration.ofSeconds(60);

  /** The provider's metadata node: its service definition, written at every start. */
  private static final String METADATA = "/dubbo/metadata/" + INTERFACE + "/provider/new-app";

  @Test
  void aNewProviderOnTIsFoundByApplicationLevelDiscoveryOnBothSides(ProcessScope scope)
      throws Exception {
    // Dubbo 3.2 talks to ZooKeeper through Curator 5, which needs 3.6 or later: S on 3.6
    ZkServerProcess source = scope.startZk(E2EConfig.ZK36);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    DaemonProcess allSync =
        scope.startSync(DaemonProcess.Kind.ALL_SYNC, source, target, "--syncDailyInterval", "2");
    DaemonProcess tSync =
        scope.startSync(DaemonProcess.Kind.T_SYNC, target, source, "--syncDailyInterval", "2");
    MonitorLog.awaitPasses(allSync, 1, WITHIN);
    MonitorLog.awaitPasses(tSync, 1, WITHIN);
    Path dir = scope.newDir("dubbo");

    DubboProcess provider =
        scope.register(
            DubboProcess.start(
                dir,
                "provider-on-t",
                "provider",
                target.connectString(),
                "new-app",
                String.valueOf(FreePorts.next())));
    await("the provider exported on T")
        .atMost(WITHIN)
        .failFast("the provider exited (see provider-on-t.log)", () -> !provider.isAlive())
        .until(() -> provider.output().contains("READY"));
    String mapping = "/dubbo/mapping/" + INTERFACE;
    await("the mapping and the metadata on S")
        .atMost(WITHIN)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(new String(s.getData(mapping), UTF_8)).contains("new-app");
              assertThat(s.exists(METADATA)).isNotNull();
            });

    for (ZkServerProcess side : List.of(source, target)) {
      String name = side == source ? "consumer-on-s" : "consumer-on-t";
      DubboProcess consumer =
          scope.register(
              DubboProcess.start(dir, name, "consumer", side.connectString(), "caller-" + name));
      assertThat(consumer.waitForExit(Duration.ofSeconds(90))).as(consumer.diagnostics()).isZero();
      assertThat(consumer.output()).contains("CALLED hello consumer from new-app");
    }

    // the nodes stay on both sides through all_sync's passes, and both sides are in sync
    MonitorLog.awaitPasses(allSync, 2, WITHIN);
    assertThat(new String(t.getData(mapping), UTF_8)).contains("new-app");
    assertThat(s.getData(METADATA)).isEqualTo(t.getData(METADATA));
    assertThat(new String(s.getData(mapping), UTF_8))
        .isEqualTo(new String(t.getData(mapping), UTF_8));
    InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);
    assertThat(allSync.monitorLog())
        .noneMatch(l -> l.contains("[EventNodeDeleted]") && l.contains("/dubbo/"));
  }
}
