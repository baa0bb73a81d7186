package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.verify.Difference;
import io.zk2zk.verify.DifferenceKind;
import io.zk2zk.verify.ReportText;
import io.zk2zk.verify.TreeVerifier;
import io.zk2zk.verify.VerifyOptions;
import io.zk2zk.verify.VerifyReport;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verify walk against two real servers: counts, every kind of difference by each daemon's
 * rules, nodes kept for live ephemerals, and that it writes nothing.
 */
class VerifyIT extends TwoServers {

  private ZkSide sideS;
  private ZkSide sideT;

  @BeforeEach
  void openSides() throws Exception {
    sideS = side("S", s.getConnectString());
    sideT = side("T", t.getConnectString());
  }

  @AfterEach
  void closeSides() {
    sideS.close();
    sideT.close();
  }

  private static ZkSide side(String role, String cs) throws Exception {
    ZkSide side =
        new ZkSide(
            role, ConnectString.parse(List.of(cs)), Duration.ofSeconds(10), 50, SideSecurity.NONE);
    side.start(Duration.ofSeconds(20));
    return side;
  }

  private TreeVerifier allSyncVerifier(String root, int maxDiffs, int recheckLimit) {
    return new TreeVerifier(
        sideS,
        sideT,
        sideT,
        DaemonKind.ALL_SYNC,
        new SyncScope(root),
        new VerifyOptions(maxDiffs, 1, Duration.ofMillis(100), 2, false, recheckLimit));
  }

  private VerifyReport allSync(String root, int maxDiffs) throws Exception {
    return allSyncVerifier(root, maxDiffs, 100).run("all_sync verify");
  }

  private VerifyReport tSync() throws Exception {
    return new TreeVerifier(
            sideT,
            sideS,
            sideT,
            DaemonKind.T_SYNC,
            new SyncScope("/"),
            new VerifyOptions(20, 1, Duration.ofMillis(100), 2, false, 100))
        .run("t_sync verify");
  }

  private static List<String> lines(List<Difference> diffs) {
    return diffs.stream().map(d -> d.kind().label() + " " + d.path()).toList();
  }

  private void onBoth(String path, String data) throws Exception {
    Trees.createP(onS, path, data);
    Trees.createP(onT, path, data);
  }

  @Test
  void equalTreesAreInSync() throws Exception {
    onBoth("/a", "x");
    onBoth("/a/b", "y");
    onBoth("/c", null);
    // excluded subtrees are neither counted nor compared
    Trees.createP(onT, "/zk2zk_migration", "");

    VerifyReport r = allSync("/", 20);

    assertThat(r.inSync()).as(ReportText.lines(r).toString()).isTrue();
    assertThat(r.sourceNodes()).isEqualTo(3);
    assertThat(r.targetNodes()).isEqualTo(3);
    assertThat(r.differences()).isZero();
    assertThat(ReportText.summary(r))
        .startsWith(
            "all_sync verify: IN SYNC: no difference under /; source 3 nodes, target 3 nodes (");
  }

  @Test
  void allSyncReportsMissingExtraDataAndKeepsAncestorsOfLiveEphemerals() throws Exception {
    onBoth("/a", "x");
    Trees.createP(onS, "/a/b", "on S");
    Trees.createP(onT, "/a/b", "on T, longer");
    Trees.createP(onS, "/missing", "m");
    Trees.createP(onT, "/extra", "");
    Trees.createP(onT, "/extra/child", "");
    Trees.createP(onT, "/reg", "");
    Trees.createP(onT, "/reg/providers", "");
    Trees.create(onT, "/reg/providers/ins-1", new byte[0], CreateMode.EPHEMERAL);

    VerifyReport r = allSync("/", 20);

    assertThat(r.inSync()).isFalse();
    assertThat(r.byKind()).isEqualTo(Map.of("missing", 1L, "extra", 2L, "data", 1L, "kept", 2L));
    assertThat(r.differences()).isEqualTo(4);
    assertThat(lines(r.firstDifferences()))
        .containsExactly("extra /extra", "missing /missing", "data /a/b", "extra /extra/child");
    assertThat(lines(r.firstWarnings())).containsExactly("kept /reg/providers", "kept /reg");
    assertThat(r.rechecks()).isEqualTo(1);
    assertThat(ReportText.summary(r))
        .startsWith(
            "all_sync verify: NOT IN SYNC: 4 differences (missing 1, extra 2, data 1) under /,"
                + " persisted over 1 re-check(s); source 3 nodes, target 6 nodes; 2 warning(s)");
    // nothing was written
    assertThat(onT.exists("/missing", false)).isNull();
    assertThat(onT.exists("/extra/child", false)).isNotNull();

    // --maxDiffs bounds the list, not the count; --path bounds the walk
    VerifyReport one = allSync("/", 1);
    assertThat(one.differences()).isEqualTo(4);
    assertThat(one.firstDifferences()).hasSize(1);
    VerifyReport underA = allSync("/a", 20);
    assertThat(lines(underA.firstDifferences())).containsExactly("data /a/b");
  }

  @Test
  void tSyncReportsCopiesAndRecordProblems() throws Exception {
    Trees.createP(onT, "/svc", "");
    Trees.createP(onS, "/svc", "");
    // in sync: an ephemeral on T, its copy on S, its record
    Trees.create(onT, "/svc/ok", "1".getBytes(), CreateMode.EPHEMERAL);
    Trees.createP(onS, "/svc/ok", "1");
    Trees.createP(onT, "/zk2zk_migration", "");
    Trees.createP(onT, "/zk2zk_migration/%2Fsvc%2Fok", "");
    // not copied yet
    Trees.create(onT, "/svc/new", "2".getBytes(), CreateMode.EPHEMERAL);
    // a copy whose record is missing
    Trees.create(onT, "/svc/norecord", "3".getBytes(), CreateMode.EPHEMERAL);
    Trees.createP(onS, "/svc/norecord", "3");
    // a record naming nothing, and one whose name is no path
    Trees.createP(onT, "/zk2zk_migration/%2Fsvc%2Fgone", "");
    Trees.createP(onT, "/zk2zk_migration/%ZZ", "");
    // a copy whose ephemeral is gone from T
    Trees.createP(onS, "/svc/stale", "4");
    Trees.createP(onT, "/zk2zk_migration/%2Fsvc%2Fstale", "");

    VerifyReport r = tSync();

    assertThat(r.inSync()).isFalse();
    assertThat(lines(r.firstDifferences()))
        .containsExactlyInAnyOrder(
            "stray-record /zk2zk_migration/%ZZ",
            "missing /svc/new",
            "missing-record /svc/norecord",
            "stray-record /svc/gone",
            "extra /svc/stale");
    assertThat(r.sourceNodes()).isEqualTo(3); // ephemerals on T
    assertThat(r.targetNodes()).isEqualTo(2); // recorded copies on S: ok, stale
    assertThat(onS.exists("/svc/new", false)).isNull();
    assertThat(onT.exists("/zk2zk_migration/%2Fsvc%2Fgone", false)).isNotNull();
  }

  @Test
  void aDifferenceGoneOnRecheckWasAChangeInFlight() throws Exception {
    onBoth("/a", "x");
    Trees.createP(onS, "/b", "new on S");

    // the daemon copies /b while verify waits to re-check it; the counts follow the re-check, so
    // that "in sync" never stands beside unequal counts taken before the change landed
    VerifyReport r =
        allSyncVerifier("/", 20, 100)
            .beforeEachRecheck(
                () -> {
                  try {
                    Trees.createP(onT, "/b", "new on S");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .run("all_sync verify");

    assertThat(r.inSync()).isTrue();
    assertThat(r.resolvedOnRecheck()).isEqualTo(1);
    assertThat(r.byKind()).isEmpty();
    assertThat(ReportText.summary(r))
        .startsWith(
            "all_sync verify: IN SYNC: no difference under / (1 seen once were changes in flight,"
                + " gone on re-check); source 2 nodes, target 2 nodes");
  }

  @Test
  void differencesBeyondTheRecheckLimitAreCountedUnconfirmed() throws Exception {
    Trees.createP(onS, "/m1", "");
    Trees.createP(onS, "/m2", "");
    Trees.createP(onS, "/m3", "");

    VerifyReport r = allSyncVerifier("/", 20, 2).run("all_sync verify");

    assertThat(r.differences()).isEqualTo(3);
    assertThat(r.notRechecked()).isEqualTo(1);
    assertThat(r.byKind()).isEqualTo(Map.of("missing", 3L));
    assertThat(lines(r.firstDifferences())).containsExactly("missing /m1", "missing /m2");
    assertThat(ReportText.summary(r))
        .contains("3 differences (missing 3) under /, persisted over 1 re-check(s), 1 beyond");
  }

  // An unreadable node hides its subtree from the walk: the re-checks must read it again and keep
  // reporting it, also where no rule decides the path (the root, a t_sync path persistent on T).

  private static List<ACL> onlyFor(String userAndPassword) throws Exception {
    // mutable: ZooKeeper's ACL check asks the list whether it holds null
    return new ArrayList<>(
        List.of(
            new ACL(
                ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest(userAndPassword)))));
  }

  private static VerifyOptions options() {
    return new VerifyOptions(20, 1, Duration.ofMillis(100), 2, false, 100);
  }

  private static List<String> unreadable(VerifyReport r) {
    return r.firstDifferences().stream()
        .filter(d -> d.kind() == DifferenceKind.UNREADABLE)
        .map(Difference::path)
        .toList();
  }

  @Test
  void allSyncVerifyOfAnUnreadableRootIsNotInSync() throws Exception {
    Trees.createP(onS, "/a", "only on S");
    onS.setACL("/", onlyFor("admin:secret"), -1);

    VerifyReport r =
        new TreeVerifier(sideS, sideT, sideT, DaemonKind.ALL_SYNC, new SyncScope("/"), options())
            .run("all_sync verify");

    assertThat(r.inSync()).as(ReportText.lines(r).toString()).isFalse();
    assertThat(r.resolvedOnRecheck()).as("not a change in flight").isZero();
    assertThat(unreadable(r)).containsExactly("/");
  }

  @Test
  void tSyncVerifyOfAnUnreadableRecordedPathIsNotInSync() throws Exception {
    Trees.createP(onT, "/p", "x");
    Trees.create(onT, "/p/e", "instance".getBytes(), CreateMode.EPHEMERAL); // not on S
    Trees.createP(onT, SyncScope.MIGRATION_ROOT, "");
    Trees.createP(onT, SyncScope.recordPath("/p"), "");
    onS.create("/p", "x".getBytes(), onlyFor("other:secret"), CreateMode.PERSISTENT);

    VerifyReport r =
        new TreeVerifier(sideT, sideS, sideT, DaemonKind.T_SYNC, new SyncScope("/"), options())
            .run("t_sync verify");

    assertThat(r.inSync()).as(ReportText.lines(r).toString()).isFalse();
    assertThat(r.resolvedOnRecheck()).as(ReportText.lines(r).toString()).isZero();
    assertThat(unreadable(r)).containsExactly("/p");
  }
}
