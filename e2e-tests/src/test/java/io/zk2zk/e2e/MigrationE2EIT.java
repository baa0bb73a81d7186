package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed's migration (客户端迁移) with both packaged daemons and real server processes: S is an old
 * 3.4.14 server, T a 3.9.5 one. Service instances register ephemerals; half of them move to T, then
 * all; at every step a client on either side sees every live instance exactly once. Run once
 * undisturbed and once each with a daemon killed (kill -9) mid-scenario and restarted.
 */
@ExtendWith(ProcessScopeExtension.class)
class MigrationE2EIT {

  private static final Duration SEEN_WITHIN = Duration.ofSeconds(15);
  private static final List<String> SERVICES = List.of("svcA", "svcB");
  private static final int INSTANCES = 4;

  private ProcessScope scope;
  private ZkServerProcess sServer;
  private ZkServerProcess tServer;
  private Zk s;
  private Zk t;
  private DaemonProcess allSync;
  private DaemonProcess tSync;

  /** The live instances: path → the client session that holds it. */
  private final Map<String, Zk> live = new HashMap<>();

  @BeforeEach
  void servers(ProcessScope scope) {
    this.scope = scope;
    sServer = scope.startZk(E2EConfig.ZK34);
    tServer = scope.startZk(E2EConfig.ZK39);
    s = scope.connect(sServer);
    t = scope.connect(tServer);
  }

  private DaemonProcess startAllSync() {
    return scope.startDaemon(
        DaemonProcess.builder(DaemonProcess.Kind.ALL_SYNC, scope.dir().resolve("all_sync-run"))
            .args(
                "start",
                "--srcAddr",
                sServer.connectString(),
                "--dstAddr",
                tServer.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "5"));
  }

  private DaemonProcess startTSync() {
    return scope.startDaemon(
        DaemonProcess.builder(DaemonProcess.Kind.T_SYNC, scope.dir().resolve("t_sync-run"))
            .args(
                "start",
                "--srcAddr",
                tServer.connectString(),
                "--dstAddr",
                sServer.connectString(),
                "--logEnableStdout=false",
                "--syncDailyInterval",
                "5"));
  }

  private static String instance(String svc, int i) {
    return "/services/" + svc + "/providers/" + "dubbo%3A%2F%2F10.0.0." + i + "%3A20880";
  }

  /** A registry client registers an instance, creating missing parents on the fly. */
  private void register(ZkServerProcess server, String path) throws Exception {
    Zk client = scope.connect(server);
    client.createWithParents(path, ("instance " + path).getBytes(UTF_8), CreateMode.EPHEMERAL);
    live.put(path, client);
  }

  /**
   * Moves an instance: close its session on S, register the same name on T, retrying NodeExists.
   */
  private void moveToT(String path, Duration within) throws Exception {
    live.remove(path).close();
    Zk client = scope.connect(tServer);
    await("register " + path + " on T")
        .atMost(within)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              try {
                client.createWithParents(
                    path, ("moved " + path).getBytes(UTF_8), CreateMode.EPHEMERAL);
                return true;
              } catch (KeeperException.NodeExistsException e) {
                return false;
              }
            });
    live.put(path, client);
  }

  private Set<String> instancesSeenOn(Zk side) throws Exception {
    Set<String> seen = new TreeSet<>();
    for (String svc : List.of("svcA", "svcB", "svcC")) {
      String providers = "/services/" + svc + "/providers";
      if (side.exists(providers) != null) {
        for (String child : side.getChildren(providers)) {
          seen.add(providers + "/" + child);
        }
      }
    }
    return seen;
  }

  /** Every live instance, exactly once (child names are unique per parent), from both sides. */
  private void awaitEveryInstanceSeenFromBothSides(String step) {
    await(step + ": every live instance seen on S and on T")
        .atMost(SEEN_WITHIN)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Set<String> expected = new TreeSet<>(live.keySet());
              assertThat(instancesSeenOn(s)).as("seen on S").isEqualTo(expected);
              assertThat(instancesSeenOn(t)).as("seen on T").isEqualTo(expected);
            });
  }

  @ParameterizedTest(name = "kill -9 and restart: {0}")
  @ValueSource(strings = {"none", "all_sync", "t_sync"})
  void seedMigrationSteps(String killed) throws Exception {
    // step 1: the old ensemble holds configuration and registrations
    s.createWithParents(
        "/config/app1/db.url", "jdbc:mysql://db:3306/app".getBytes(UTF_8), CreateMode.PERSISTENT);
    for (String svc : SERVICES) {
      s.createWithParents(
          "/services/" + svc + "/configurators", new byte[0], CreateMode.PERSISTENT);
      for (int i = 0; i < INSTANCES; i++) {
        register(sServer, instance(svc, i));
      }
    }

    // step 2: both daemons start; T holds all of S
    allSync = startAllSync();
    tSync = startTSync();
    awaitEveryInstanceSeenFromBothSides("after start");
    await("config on T").atMost(SEEN_WITHIN).until(() -> t.exists("/config/app1/db.url") != null);

    // step 3: half of the clients move to T; a new service registers on T only. The daemon under
    // test is killed after the first move and restarted at once: a fixed-name move waits for
    // all_sync to remove T's copy, so the next move may wait for the restarted daemon's first pass.
    boolean first = true;
    for (String svc : SERVICES) {
      for (int i = 0; i < INSTANCES / 2; i++) {
        moveToT(
            instance(svc, i),
            first || killed.equals("none") ? Duration.ofSeconds(1) : Duration.ofSeconds(30));
        if (first && killed.equals("all_sync")) {
          allSync.kill9();
          allSync = startAllSync();
        } else if (first && killed.equals("t_sync")) {
          tSync.kill9();
          tSync = startTSync();
        }
        first = false;
      }
    }
    register(tServer, instance("svcC", 0));
    awaitEveryInstanceSeenFromBothSides("half moved");
    s.setData("/config/app1/db.url", "jdbc:mysql://db2:3306/app".getBytes(UTF_8));
    await("config change on S reaches T")
        .atMost(SEEN_WITHIN)
        .until(() -> new String(t.getData("/config/app1/db.url"), UTF_8).contains("db2"));

    // step 3, continued: everybody moves
    for (String svc : SERVICES) {
      for (int i = INSTANCES / 2; i < INSTANCES; i++) {
        moveToT(instance(svc, i), Duration.ofSeconds(1));
      }
    }
    awaitEveryInstanceSeenFromBothSides("all moved");
    // the instances are ephemerals on T, and S holds recorded persistent copies of them
    for (String path : live.keySet()) {
      assertThat(t.exists(path).getEphemeralOwner()).as(path + " on T").isNotZero();
      assertThat(s.exists(path).getEphemeralOwner()).as(path + " on S").isZero();
    }

    // clients that stop take their copies on S with them
    String stopped = instance("svcA", 0);
    live.remove(stopped).close();
    awaitEveryInstanceSeenFromBothSides("one client stopped");

    // step 4: S is stopped; T holds everything, and no record is left for stopped clients
    awaitRecordsExactlyFor(live.keySet());
    List<String> configBefore = List.of(new String(t.getData("/config/app1/db.url"), UTF_8));
    sServer.stop();
    assertThat(List.of(new String(t.getData("/config/app1/db.url"), UTF_8)))
        .isEqualTo(configBefore);
    assertThat(instancesSeenOn(t)).isEqualTo(new TreeSet<>(live.keySet()));
    // with S gone, t_sync cannot remove copies there, so it must keep their records too
    assertThat(new TreeSet<>(t.getChildren("/zk2zk_migration")))
        .hasSize(live.size() + CARRIED_PARENTS.size());

    if (killed.equals("none")) {
      assertNoPingPong();
    }
    assertThat(allSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
    assertThat(tSync.monitorLog()).noneMatch(l -> l.contains("[Alarm]"));
  }

  /**
   * The parents the first client of svcC (a service new on T) created there on the fly: its own
   * nodes, carried to S with records (rule 34).
   */
  private static final List<String> CARRIED_PARENTS =
      List.of("/services/svcC", "/services/svcC/providers");

  private void awaitRecordsExactlyFor(Set<String> paths) {
    await("records on T name exactly the instances registered on T and svcC's parents")
        .atMost(SEEN_WITHIN)
        .untilAsserted(
            () -> {
              Set<String> expected = new TreeSet<>();
              List<String> named = new java.util.ArrayList<>(paths);
              named.addAll(CARRIED_PARENTS);
              for (String p : named) {
                expected.add(p.replace("%", "%25").replace("/", "%2F").replace(":", "%3A"));
              }
              assertThat(new TreeSet<>(t.getChildren("/zk2zk_migration"))).isEqualTo(expected);
            });
  }

  /** Each instance was written once per real change: one copy and one removal per daemon. */
  private void assertNoPingPong() {
    List<String> a = allSync.monitorLog();
    List<String> ts = tSync.monitorLog();
    for (String svc : SERVICES) {
      for (int i = 0; i < INSTANCES; i++) {
        String p = instance(svc, i);
        // all_sync: copied once from S, removed once when the client left S
        assertThat(MonitorLog.count(a, MonitorLog.created(p)))
            .as("all_sync creates " + p)
            .isEqualTo(1);
        assertThat(MonitorLog.count(a, MonitorLog.deleted(p)))
            .as("all_sync deletes " + p)
            .isEqualTo(1);
        // t_sync: copied once to S when the client arrived on T
        assertThat(MonitorLog.count(ts, MonitorLog.created(p)))
            .as("t_sync creates " + p)
            .isEqualTo(1);
        assertThat(MonitorLog.count(ts, Pattern.compile(Pattern.quote("[" + p + "]"))))
            .as("t_sync writes of " + p)
            .isLessThanOrEqualTo(2);
      }
    }
  }
}
