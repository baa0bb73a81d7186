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
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An unreadable node hides its subtree from verify's walk: its re-checks must read it again and
 * keep reporting it, also where no rule decides the path (the root, a t_sync path persistent on T).
 */
class VerifyRecheckIT extends TwoServers {

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
