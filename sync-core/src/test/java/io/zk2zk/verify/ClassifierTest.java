package io.zk2zk.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.decide.AclEntry;
import io.zk2zk.decide.AllSyncRules;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.Provenance;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.TSyncRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** verify's kinds are the daemons' decisions, renamed: one row per rule that asks for a write. */
class ClassifierTest {

  private static final SyncRules ALL_SYNC = new AllSyncRules();
  private static final SyncRules T_SYNC = new TSyncRules();
  private static final NodeState ABSENT = NodeState.ABSENT;

  private static NodeState p(String data) {
    return NodeState.persistent(data == null ? null : data.getBytes(StandardCharsets.UTF_8));
  }

  private static NodeState e(String data) {
    return NodeState.ephemeral(data.getBytes(StandardCharsets.UTF_8));
  }

  /** A path whose node on T is a copy from S, the common case. */
  private static Difference classify(SyncRules rules, NodeState src, NodeState tgt, boolean rec) {
    PathView v = new PathView("/a/b", src, tgt, rec, Provenance.COPY_FROM_SOURCE);
    return Classifier.classify(v, rules.decide(v));
  }

  private static DifferenceKind kind(
      SyncRules rules, NodeState src, NodeState tgt, boolean rec, Provenance provenance) {
    PathView v = new PathView("/a/b", src, tgt, rec, provenance);
    Difference d = Classifier.classify(v, rules.decide(v));
    return d == null ? null : d.kind();
  }

  private static DifferenceKind kind(SyncRules rules, NodeState src, NodeState tgt, boolean rec) {
    Difference d = classify(rules, src, tgt, rec);
    return d == null ? null : d.kind();
  }

  @Test
  void allSyncInSyncRowsAreNoDifference() {
    assertThat(kind(ALL_SYNC, p("x"), p("x"), false)).isNull(); // 3
    assertThat(kind(ALL_SYNC, e("x"), p("x"), false)).isNull(); // 7
    assertThat(kind(ALL_SYNC, p("x"), e("x"), true)).isNull(); // 4: t_sync's copy
    assertThat(kind(ALL_SYNC, p("x"), ABSENT, true)).isNull(); // 1-2: t_sync is removing it
    assertThat(kind(ALL_SYNC, ABSENT, e("x"), false)).isNull(); // 12-16: t_sync's
    assertThat(kind(ALL_SYNC, ABSENT, ABSENT, false)).isNull();
  }

  @Test
  void allSyncDifferences() {
    assertThat(kind(ALL_SYNC, p("x"), ABSENT, false)).isEqualTo(DifferenceKind.MISSING);
    assertThat(kind(ALL_SYNC, e("x"), ABSENT, false)).isEqualTo(DifferenceKind.MISSING);
    assertThat(kind(ALL_SYNC, p("x"), p("y"), false)).isEqualTo(DifferenceKind.DATA);
    assertThat(kind(ALL_SYNC, e("x"), p("y"), false)).isEqualTo(DifferenceKind.DATA);
    // null and empty data are different values
    assertThat(kind(ALL_SYNC, p(null), p(""), false)).isEqualTo(DifferenceKind.DATA);
    assertThat(kind(ALL_SYNC, ABSENT, p("y"), false, Provenance.COPY_FROM_SOURCE))
        .isEqualTo(DifferenceKind.EXTRA);
    assertThat(kind(ALL_SYNC, ABSENT, p("y"), true, Provenance.COPY_FROM_SOURCE))
        .isEqualTo(DifferenceKind.EXTRA);
    // 33: a client's node on T stays, for t_sync to carry (t_sync's verify says it is missing)
    assertThat(kind(ALL_SYNC, ABSENT, p("y"), false, Provenance.CREATED_ON_TARGET)).isNull();
    // 36: carried to S and deleted there: it must go from T
    assertThat(kind(ALL_SYNC, ABSENT, p("y"), true, Provenance.CARRIED_TO_SOURCE))
        .isEqualTo(DifferenceKind.EXTRA);
    // 35: T's data wins for a client's node: all_sync sees no difference
    assertThat(kind(ALL_SYNC, p("x"), p("y"), true, Provenance.CARRIED_TO_SOURCE)).isNull();
    assertThat(kind(ALL_SYNC, ABSENT, p("y"), false, Provenance.UNKNOWN))
        .isEqualTo(DifferenceKind.KEPT);
    assertThat(kind(ALL_SYNC, e("x"), e("x"), false)).isEqualTo(DifferenceKind.CONFLICT);
  }

  @Test
  void rule37AQueueItemTakenOnTIsNotInSyncUntilItIsGoneFromS() {
    String q = "/queue/item-0000000003";
    CopyReceipt itsReceipt = new CopyReceipt(CopyReceipt.State.THIS_NODE, 5, 0);
    PathView allSync =
        new PathView(q, p("job"), ABSENT, false, Provenance.NOT_READ, false, itsReceipt);
    Difference onS = Classifier.classify(allSync, ALL_SYNC.decide(allSync));
    assertThat(onS.kind()).isEqualTo(DifferenceKind.EXTRA);
    assertThat(onS.detail())
        .isEqualTo("on the source only: taken on T by a client (rule 37), not deleted on S yet");
    PathView tSync =
        new PathView(q, ABSENT, p("job"), false, Provenance.NOT_READ, false, itsReceipt);
    assertThat(Classifier.classify(tSync, T_SYNC.decide(tSync)).kind())
        .isEqualTo(DifferenceKind.EXTRA);
    PathView stale =
        new PathView(
            q,
            ABSENT,
            ABSENT,
            false,
            Provenance.NOT_READ,
            false,
            new CopyReceipt(CopyReceipt.State.EARLIER_NODE, 0, 2));
    assertThat(Classifier.classify(stale, ALL_SYNC.decide(stale)).kind())
        .isEqualTo(DifferenceKind.STRAY_RECORD);
  }

  @Test
  void aclsCountOnlyWhenBothWereRead() {
    List<AclEntry> open = List.of(new AclEntry(31, "world", "anyone"));
    List<AclEntry> readOnly = List.of(new AclEntry(1, "world", "anyone"));

    assertThat(kind(ALL_SYNC, p("x").withAcl(open), p("x").withAcl(readOnly), false))
        .isEqualTo(DifferenceKind.ACL);
    assertThat(classify(ALL_SYNC, p("x").withAcl(open), p("y").withAcl(readOnly), false).detail())
        .isEqualTo("data and ACL differ");
    assertThat(kind(ALL_SYNC, p("x"), p("x").withAcl(readOnly), false)).isNull();
  }

  @Test
  void tSyncInSyncRowsAreNoDifference() {
    assertThat(kind(T_SYNC, p("x"), ABSENT, false)).isNull(); // 17-20: all_sync's
    assertThat(kind(T_SYNC, e("x"), p("x"), true)).isNull(); // 23 with its record
    assertThat(kind(T_SYNC, ABSENT, p("x"), false)).isNull(); // 27: not t_sync's
    assertThat(kind(T_SYNC, ABSENT, ABSENT, false)).isNull();
  }

  @Test
  void tSyncDifferences() {
    assertThat(kind(T_SYNC, e("x"), ABSENT, false)).isEqualTo(DifferenceKind.MISSING);
    assertThat(kind(T_SYNC, e("x"), p("y"), true)).isEqualTo(DifferenceKind.DATA);
    assertThat(kind(T_SYNC, e("x"), p("x"), false)).isEqualTo(DifferenceKind.MISSING_RECORD);
    assertThat(kind(T_SYNC, ABSENT, p("x"), true)).isEqualTo(DifferenceKind.EXTRA);
    assertThat(kind(T_SYNC, ABSENT, ABSENT, true)).isEqualTo(DifferenceKind.STRAY_RECORD);
    assertThat(kind(T_SYNC, ABSENT, e("x"), true)).isEqualTo(DifferenceKind.STRAY_RECORD);
    assertThat(kind(T_SYNC, e("x"), e("x"), false)).isEqualTo(DifferenceKind.CONFLICT);
    // 34-35: a client's node on T not on S yet, or without the record that says it is
    assertThat(kind(T_SYNC, p("x"), ABSENT, false, Provenance.CREATED_ON_TARGET))
        .isEqualTo(DifferenceKind.MISSING);
    assertThat(kind(T_SYNC, p("x"), p("x"), false, Provenance.CREATED_ON_TARGET))
        .isEqualTo(DifferenceKind.MISSING_RECORD);
    assertThat(kind(T_SYNC, p("x"), p("y"), true, Provenance.CARRIED_TO_SOURCE))
        .isEqualTo(DifferenceKind.DATA);
  }

  @Test
  void aDifferenceNamesBothSidesAndTheRule() {
    Difference d = classify(ALL_SYNC, p("four"), p("sixteen"), false);

    assertThat(d)
        .isEqualTo(
            new Difference(
                DifferenceKind.DATA,
                "/a/b",
                "3",
                "persistent",
                4,
                "persistent",
                7,
                "data differs"));
    assertThat(ReportText.line(d))
        .isEqualTo(
            "  data           /a/b  source persistent 4 B, target persistent 7 B"
                + "  (rule 3: data differs)");
  }

  @Test
  void onlyKeptNodesAreWarnings() {
    for (DifferenceKind k : DifferenceKind.values()) {
      assertThat(k.failsVerify()).as(k.label()).isEqualTo(k != DifferenceKind.KEPT);
    }
  }
}
