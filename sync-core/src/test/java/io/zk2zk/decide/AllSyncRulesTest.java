package io.zk2zk.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The all_sync table of docs/sync-rules.md (rules 1–16 and 33–37), one row per rule, plus the
 * progress counts. A row without a provenance is about a copy from S, the common case.
 */
class AllSyncRulesTest {

  private static final String P = "/svc/providers/10.0.0.1:20880";
  private final AllSyncRules rules = new AllSyncRules();

  // Fresh arrays every time, so that "equal data" is proven by content, never by identity.
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static NodeState pers(String data) {
    return NodeState.persistent(data == null ? null : bytes(data));
  }

  static NodeState eph(String data) {
    return NodeState.ephemeral(data == null ? null : bytes(data));
  }

  static NodeState persV(String data, int version) {
    return new NodeState(NodeKind.PERSISTENT, data == null ? null : bytes(data), version, null);
  }

  static NodeState ephV(String data, int version) {
    return new NodeState(NodeKind.EPHEMERAL, data == null ? null : bytes(data), version, null);
  }

  /**
   * One row of a rule table.
   *
   * @param rule the spec's rule number, which the decision's label must name
   * @param labels the numbers the label may carry (rows of overlapping table lines)
   */
  record Row(
      String rule,
      Set<String> labels,
      String title,
      PathView view,
      Action expected,
      boolean countsSource,
      boolean countsTarget) {

    @Override
    public String toString() {
      return "rule " + rule + ": " + title;
    }
  }

  static Row row(
      String rule,
      String title,
      NodeState s,
      NodeState t,
      boolean recorded,
      Action expected,
      boolean src,
      boolean dst) {
    return rowFrom(rule, title, s, t, recorded, Provenance.COPY_FROM_SOURCE, expected, src, dst);
  }

  static Row rowFrom(
      String rule,
      String title,
      NodeState s,
      NodeState t,
      boolean recorded,
      Provenance provenance,
      Action expected,
      boolean src,
      boolean dst) {
    return new Row(
        rule, Set.of(rule), title, new PathView(P, s, t, recorded, provenance), expected, src, dst);
  }

  static Stream<Row> table() {
    List<Row> rows = new ArrayList<>();
    // 1, 2: P on S, absent on T: create, unless a record says t_sync owns the path.
    rows.add(
        row(
            "1",
            "P on S, absent on T, no record → create P on T with S's data",
            pers("d"),
            NodeState.ABSENT,
            false,
            new Action.Create(P, bytes("d"), false),
            true,
            false));
    rows.add(
        row(
            "2",
            "P on S, absent on T, record present → nothing (t_sync owns it)",
            pers("d"),
            NodeState.ABSENT,
            true,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "1",
            "P on S with null data, absent on T → create with null data (not empty)",
            pers(null),
            NodeState.ABSENT,
            false,
            new Action.Create(P, null, false),
            true,
            false));
    rows.add(
        row(
            "1",
            "P on S with empty data, absent on T → create with empty data (not null)",
            pers(""),
            NodeState.ABSENT,
            false,
            new Action.Create(P, new byte[0], false),
            true,
            false));
    // 3: P/P, data compared byte for byte; null and empty are different values.
    rows.add(
        row(
            "3",
            "P on S, P on T, same data → nothing",
            pers("same"),
            pers("same"),
            false,
            new Action.None(P),
            true,
            true));
    rows.add(
        row(
            "3",
            "P on S, P on T, different data → set T's data to S's",
            pers("new"),
            pers("old"),
            false,
            new Action.SetData(P, bytes("new")),
            true,
            true));
    rows.add(
        row(
            "3",
            "P on S with empty data, P on T with null data → set empty",
            pers(""),
            pers(null),
            false,
            new Action.SetData(P, new byte[0]),
            true,
            true));
    rows.add(
        row(
            "3",
            "P on S with null data, P on T with empty data → set null",
            pers(null),
            pers(""),
            false,
            new Action.SetData(P, null),
            true,
            true));
    rows.add(
        row(
            "3",
            "P on S, P on T, both null → nothing",
            pers(null),
            pers(null),
            false,
            new Action.None(P),
            true,
            true));
    // 4: P on S, E on T: t_sync's domain.
    rows.add(
        row(
            "4",
            "P on S, E on T → nothing (t_sync's domain)",
            pers("s"),
            eph("t"),
            false,
            new Action.None(P),
            true,
            false));
    // 5, 6: E on S, absent on T: create as P.
    rows.add(
        row(
            "5",
            "E on S, absent on T → create P on T with S's data",
            eph("e"),
            NodeState.ABSENT,
            false,
            new Action.Create(P, bytes("e"), false),
            true,
            false));
    rows.add(
        row(
            "6",
            "E on S with null data, absent on T → create P on T with null data",
            eph(null),
            NodeState.ABSENT,
            false,
            new Action.Create(P, null, false),
            true,
            false));
    // 7: E on S, P on T.
    rows.add(
        row(
            "7",
            "E on S, P on T, same data → nothing",
            eph("same"),
            pers("same"),
            false,
            new Action.None(P),
            true,
            true));
    rows.add(
        row(
            "7",
            "E on S, P on T, different data → set T's data to S's",
            eph("new"),
            pers("old"),
            false,
            new Action.SetData(P, bytes("new")),
            true,
            true));
    rows.add(
        row(
            "7",
            "E on S with empty data, P on T with null data → set empty",
            eph(""),
            pers(null),
            false,
            new Action.SetData(P, new byte[0]),
            true,
            true));
    // 8: E on both sides: alarm, change nothing.
    rows.add(
        row(
            "8",
            "E on S, E on T → alarm, nothing written",
            eph("s"),
            eph("t"),
            false,
            new Action.Alarm(P, "(any reason)"),
            true,
            false));
    // 9, 10, 13, 14: absent on both sides, whatever the record.
    rows.add(
        row(
            "9",
            "absent on S, absent on T → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "10",
            "absent on S, absent on T, record present → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            true,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "13",
            "absent on S, absent on T (again, no record) → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "14",
            "absent on S, absent on T (again, record present) → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            true,
            new Action.None(P),
            false,
            false));
    // 11, 15: absent on S, P on T, a copy from S (marked, or older than the marks): delete on T,
    // conditional on the version read there.
    rows.add(
        rowFrom(
            "11",
            "absent on S, P on T, a copy from S → delete on T with T's version",
            NodeState.ABSENT,
            persV("t", 7),
            false,
            Provenance.COPY_FROM_SOURCE,
            new Action.Delete(P, 7, false),
            false,
            true));
    rows.add(
        rowFrom(
            "15",
            "absent on S, P on T, a copy from S, record present → delete on T with T's version",
            NodeState.ABSENT,
            persV("t", 42),
            true,
            Provenance.COPY_FROM_SOURCE,
            new Action.Delete(P, 42, false),
            false,
            true));
    // 33: absent on S, P on T, created on T by a client (no mark), not carried yet: it stays, for
    // t_sync to carry it to S (rule 34); neither side counts it (t_sync does).
    rows.add(
        rowFrom(
            "33",
            "absent on S, P on T, created on T by a client → nothing (t_sync carries it)",
            NodeState.ABSENT,
            persV("t", 7),
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.None(P),
            false,
            false));
    rows.add(
        rowFrom(
            "33",
            "absent on S, P on T, created on T by a client, its carry under way → nothing",
            NodeState.ABSENT,
            persV("t", 7),
            true,
            Provenance.CREATED_ON_TARGET,
            new Action.None(P),
            false,
            false));
    // 36: absent on S, P on T, carried to S before: a client on S deleted it; it goes from T with
    // its record, conditional on the version read.
    rows.add(
        rowFrom(
            "36",
            "absent on S, P on T, carried to S and deleted there → delete on T, then the record",
            NodeState.ABSENT,
            persV("t", 9),
            true,
            Provenance.CARRIED_TO_SOURCE,
            new Action.Delete(P, 9, true),
            false,
            false));
    // 35: on both sides, a client created it on T: T's data wins, which t_sync carries; all_sync
    // leaves it.
    rows.add(
        rowFrom(
            "35",
            "P on S, P on T created there by a client, different data → nothing (t_sync's)",
            pers("s"),
            pers("t"),
            true,
            Provenance.CARRIED_TO_SOURCE,
            new Action.None(P),
            false,
            false));
    rows.add(
        rowFrom(
            "35",
            "P on S, P on T created there by a client, no record yet, different data → nothing",
            pers("s"),
            pers("t"),
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.None(P),
            true,
            true));
    rows.add(
        rowFrom(
            "35",
            "E on S, P on T created there by a client, different data → nothing",
            eph("s"),
            pers("t"),
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.None(P),
            true,
            true));
    rows.add(
        rowFrom(
            "3",
            "P on S, P on T whose mark cannot be read, different data → set T's data to S's",
            pers("new"),
            pers("old"),
            false,
            Provenance.UNKNOWN,
            new Action.SetData(P, bytes("new")),
            true,
            true));
    rows.add(
        rowFrom(
            "33",
            "absent on S, P on T, origin unreadable → keep it, say why",
            NodeState.ABSENT,
            persV("t", 7),
            false,
            Provenance.UNKNOWN,
            new Action.Keep(
                P, "kept: absent on the source, and its origin mark cannot be read on the target"),
            false,
            false));
    // 12, 16: absent on S, E on T: t_sync's domain, never touched.
    rows.add(
        row(
            "12",
            "absent on S, E on T → nothing (never touch an ephemeral on T)",
            NodeState.ABSENT,
            ephV("t", 3),
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "16",
            "absent on S, E on T, record present → nothing (never touch an ephemeral on T)",
            NodeState.ABSENT,
            ephV("t", 3),
            true,
            new Action.None(P),
            false,
            false));
    // 37: a sequential name (a queue item): the copy goes with a receipt naming S's node, and a
    // copy a client on T took is not made again.
    rows.add(
        receiptRow(
            "37",
            "P on S, absent on T, no receipt → create the copy with its receipt",
            pers("job"),
            NodeState.ABSENT,
            receipt(CopyReceipt.State.NONE, -1),
            new Action.Create(Q, bytes("job"), false, null, receipt(CopyReceipt.State.NONE, -1)),
            true,
            false));
    rows.add(
        receiptRow(
            "37",
            "P on S, absent on T, an earlier node's receipt → create the copy, the receipt set",
            pers("job"),
            NodeState.ABSENT,
            receipt(CopyReceipt.State.EARLIER_NODE, 4),
            new Action.Create(
                Q, bytes("job"), false, null, receipt(CopyReceipt.State.EARLIER_NODE, 4)),
            true,
            false));
    rows.add(
        receiptRow(
            "37",
            "P on S, absent on T, its receipt → nothing (taken on T; t_sync deletes it on S)",
            pers("job"),
            NodeState.ABSENT,
            receipt(CopyReceipt.State.THIS_NODE, 0),
            new Action.None(Q),
            true,
            false));
    rows.add(
        receiptRow(
            "37",
            "P on S with children, absent on T, its receipt → copied again (S's node wins)",
            pers("job").withStat(0x100, 1),
            NodeState.ABSENT,
            receipt(CopyReceipt.State.THIS_NODE, 2),
            new Action.Create(
                Q, bytes("job"), false, null, receipt(CopyReceipt.State.THIS_NODE, 2)),
            true,
            false));
    rows.add(
        receiptRow(
            "37",
            "P on S, absent on T, receipt unreadable → kept uncopied, with a reason",
            pers("job"),
            NodeState.ABSENT,
            receipt(CopyReceipt.State.UNREADABLE, -1),
            new Action.Keep(Q, "receipt unreadable"),
            true,
            false));
    rows.add(
        receiptRow(
            "37",
            "absent on S, P copy on T with a receipt → delete the copy, then the receipt",
            NodeState.ABSENT,
            persV("job", 2),
            receipt(CopyReceipt.State.EARLIER_NODE, 0),
            new Action.Delete(Q, 2, false, receipt(CopyReceipt.State.EARLIER_NODE, 0)),
            false,
            true));
    rows.add(
        receiptRow(
            "37",
            "absent on both sides, a receipt → drop the receipt",
            NodeState.ABSENT,
            NodeState.ABSENT,
            receipt(CopyReceipt.State.EARLIER_NODE, 3),
            new Action.DropReceipt(Q, 3),
            false,
            false));
    rows.add(
        receiptRow(
            "9",
            "absent on both sides, no receipt → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            receipt(CopyReceipt.State.NONE, -1),
            new Action.None(Q),
            false,
            false));
    return rows.stream();
  }

  /** A queue item's path: a sequential name, whose copies have receipts (rule 37). */
  static final String Q = "/queue/item-0000000007";

  static CopyReceipt receipt(CopyReceipt.State state, int version) {
    return new CopyReceipt(state, 0x100, version);
  }

  static Row receiptRow(
      String rule,
      String title,
      NodeState s,
      NodeState t,
      CopyReceipt receipt,
      Action expected,
      boolean src,
      boolean dst) {
    return new Row(
        rule,
        Set.of(rule),
        title,
        new PathView(Q, s, t, false, Provenance.COPY_FROM_SOURCE, false, receipt),
        expected,
        src,
        dst);
  }

  @Test
  void rule37ReceiptsAreAskedForSequentialNamesOnly() {
    assertThat(CopyReceipt.keptFor("/queue/item-0000000007")).isTrue();
    assertThat(CopyReceipt.keptFor("/queue/0000000007")).isTrue();
    assertThat(CopyReceipt.keptFor("/queue/item-000000007")).isFalse(); // nine digits
    assertThat(CopyReceipt.keptFor("/0000/item")).isFalse();
    assertThat(rules.needsReceipt(Q, pers("x"), NodeState.ABSENT)).isTrue();
    assertThat(rules.needsReceipt(Q, pers("x"), pers("x"))).isFalse();
    assertThat(rules.needsReceipt(Q, eph("x"), NodeState.ABSENT)).isFalse();
    assertThat(rules.needsReceipt(P, pers("x"), NodeState.ABSENT)).isFalse();
    // a reader that forgot to ask fails loudly rather than copying a taken item again
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> rules.decide(new PathView(Q, pers("x"), NodeState.ABSENT, false)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rule1ACopyOfSDeletedOnTIsCopiedAgainAsAConflictWhereSIsKnownUnchanged() {
    Decision d =
        rules.decide(
            new PathView(P, pers("s"), NodeState.ABSENT, false, Provenance.NOT_READ, true));
    assertAction(d.action(), new Action.Create(P, bytes("s"), false));
    assertThat(d.conflict())
        .isEqualTo(
            "conflict: deleted on T by a client, but the node is S's; S's node is copied again");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decidesPerSpecTable(Row row) {
    Decision d = rules.decide(row.view());

    assertAction(row, d.action(), row.expected());
    assertThat(d.writes())
        .as("%s → writes()", row)
        .isEqualTo(
            !(row.expected() instanceof Action.None
                || row.expected() instanceof Action.Alarm
                || row.expected() instanceof Action.Keep));
    // The label is what logs and users refer to: it must name the spec's rule number.
    assertThat(labelNumbers(d.rule()))
        .as("%s → rule label %s", row, d.rule())
        .containsAnyElementsOf(row.labels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void countsPerProgressLineDefinition(Row row) {
    // all_sync: Src = every node on S except t_sync's copies (they hold a record);
    // Dst = the persistent nodes on T.
    assertThat(rules.countsAsSource(row.view()))
        .as("%s → countsAsSource", row)
        .isEqualTo(row.countsSource());
    assertThat(rules.countsAsTarget(row.view()))
        .as("%s → countsAsTarget", row)
        .isEqualTo(row.countsTarget());
  }

  @Test
  void tableCoversRulesOneToSixteen() {
    // The table above must stay the spec's table: one row at least per rule number.
    Set<String> covered = new java.util.HashSet<>();
    table().forEach(r -> covered.add(r.rule()));
    for (int i = 1; i <= 16; i++) {
      assertThat(covered).contains(String.valueOf(i));
    }
  }

  @Test
  void rule5and6CreateEvenWhenARecordExists() {
    // The table has no record exception for an ephemeral on S; only rules 1/2 have one.
    Decision d = rules.decide(new PathView(P, eph("e"), NodeState.ABSENT, true));
    assertAction(d.action(), new Action.Create(P, bytes("e"), false));
  }

  @Test
  void neverWritesAnEphemeralOnT() {
    // Rules 4, 8, 12, 16 and the Deleting section: ephemerals on T belong to clients on T.
    for (NodeState s : List.of(NodeState.ABSENT, pers("x"), eph("x"), pers(null), eph(""))) {
      for (boolean recorded : new boolean[] {false, true}) {
        Decision d = rules.decide(new PathView(P, s, ephV("y", 5), recorded));
        assertThat(d.action())
            .as("S=%s recorded=%s", s, recorded)
            .isInstanceOfAny(Action.None.class, Action.Alarm.class);
        assertThat(d.writes()).isFalse();
      }
    }
  }

  @Test
  void rule3OverAClientsChangeOnTIsAConflictOnlyWhereSIsKnownUnchanged() {
    PathView changedOnT =
        new PathView(P, pers("from S"), pers("by T"), false, Provenance.COPY_FROM_SOURCE, true);
    Decision d = rules.decide(changedOnT);
    assertAction(d.action(), new Action.SetData(P, bytes("from S")));
    assertThat(d.conflict())
        .isEqualTo(
            "conflict: changed on T by a client, but the node is S's; S's data wins"
                + " (S: \"from S\" (6 bytes), T: \"by T\" (4 bytes))");
    // S changed since the last pass (a change in flight, or an event a reconnect lost): no
    // conflict, the same write
    Decision inFlight =
        rules.decide(
            new PathView(
                P, pers("from S"), pers("by T"), false, Provenance.COPY_FROM_SOURCE, false));
    assertAction(inFlight.action(), new Action.SetData(P, bytes("from S")));
    assertThat(inFlight.conflict()).isNull();
    // T's own node: t_sync's to align, whatever S's history
    Decision tsNode =
        rules.decide(
            new PathView(P, pers("s"), pers("t"), true, Provenance.CARRIED_TO_SOURCE, true));
    assertAction(tsNode.action(), new Action.None(P));
    assertThat(tsNode.conflict()).isNull();
    // equal data is never a conflict
    assertThat(
            rules
                .decide(
                    new PathView(P, pers("x"), pers("x"), false, Provenance.COPY_FROM_SOURCE, true))
                .conflict())
        .isNull();
  }

  @Test
  void rule8AlarmNamesThePathAndGivesAReason() {
    Decision d = rules.decide(new PathView(P, eph("a"), eph("a"), false));
    assertThat(d.action()).isInstanceOf(Action.Alarm.class);
    Action.Alarm alarm = (Action.Alarm) d.action();
    assertThat(alarm.path()).isEqualTo(P);
    assertThat(alarm.reason()).isNotBlank();
  }

  /**
   * The batch reader asks for records and provenance only where these predicates say so: where they
   * say no, the decision must not depend on them.
   */
  @Test
  void recordsAndProvenanceAreAskedForWhereverTheDecisionDependsOnThem() {
    table()
        .forEach(
            r -> {
              PathView v = r.view();
              if (!rules.needsRecord(v.source(), v.target())) {
                assertAction(
                    rules.decide(v.withRecorded(true)).action(),
                    rules.decide(v.withRecorded(false)).action());
              }
              if (!rules.needsReceipt(v.path(), v.source(), v.target())) {
                for (CopyReceipt.State st : CopyReceipt.State.values()) {
                  assertAction(
                      rules.decide(v.withReceipt(new CopyReceipt(st, 1, 0))).action(),
                      rules.decide(v).action());
                }
              }
              if (!rules.needsProvenance(v.source(), v.target())) {
                for (Provenance p : Provenance.values()) {
                  assertAction(
                      rules.decide(v.withProvenance(p)).action(), rules.decide(v).action());
                }
              }
            });
  }

  @Test
  void decidingTwiceGivesTheSameDecision() {
    // Level-triggered and idempotent: the same state always yields the same action.
    table()
        .forEach(
            r -> {
              Decision a = rules.decide(r.view());
              Decision b = rules.decide(r.view());
              assertThat(b.rule()).isEqualTo(a.rule());
              assertAction(b.action(), a.action());
            });
  }

  /** Compares actions by type and content (records hold byte[], whose equals is identity). */
  static void assertAction(Action actual, Action expected) {
    assertAction("", actual, expected);
  }

  /** As above; {@code where} prefixes every message (surefire reports show only the row index). */
  static void assertAction(Object where, Action actual, Action expected) {
    String w = where.toString().isEmpty() ? "" : where + " → ";
    assertThat(actual).as(w + "action").isExactlyInstanceOf(expected.getClass());
    assertThat(actual.path()).as(w + "path").isEqualTo(expected.path());
    if (expected instanceof Action.Create c) {
      Action.Create a = (Action.Create) actual;
      assertThat(a.data()).as(w + "create data").isEqualTo(c.data());
      assertThat(a.withRecord()).as(w + "withRecord").isEqualTo(c.withRecord());
      assertThat(a.receipt()).as(w + "create's receipt").isEqualTo(c.receipt());
    } else if (expected instanceof Action.DropReceipt c) {
      assertThat(actual).as(w + "drop receipt").isEqualTo(c);
    } else if (expected instanceof Action.SetData c) {
      assertThat(((Action.SetData) actual).data()).as(w + "setData data").isEqualTo(c.data());
    } else if (expected instanceof Action.Delete c) {
      Action.Delete a = (Action.Delete) actual;
      assertThat(a.version()).as(w + "delete version").isEqualTo(c.version());
      assertThat(a.withRecord()).as(w + "withRecord").isEqualTo(c.withRecord());
      assertThat(a.receipt()).as(w + "delete's receipt").isEqualTo(c.receipt());
    } else if (expected instanceof Action.RestoreRecord c) {
      Action.RestoreRecord a = (Action.RestoreRecord) actual;
      assertThat(a.setData()).as(w + "restore sets data").isEqualTo(c.setData());
      if (c.setData()) {
        assertThat(a.data()).as(w + "restore data").isEqualTo(c.data());
      }
    } else if (expected instanceof Action.Carry c) {
      assertThat(((Action.Carry) actual).data()).as(w + "carry data").isEqualTo(c.data());
    } else if (expected instanceof Action.Claim c) {
      // (a claim's data is checked only where it sets S's data)
      Action.Claim a = (Action.Claim) actual;
      assertThat(a.setData()).as(w + "claim sets data").isEqualTo(c.setData());
      if (c.setData()) {
        assertThat(a.data()).as(w + "claim data").isEqualTo(c.data());
      }
    } else if (expected instanceof Action.Alarm) {
      assertThat(((Action.Alarm) actual).reason()).as(w + "alarm reason").isNotBlank();
    }
  }

  /** "11-15" → [11, 15]; "9-10-13-14" → [9, 10, 13, 14]. */
  static List<String> labelNumbers(String label) {
    return Arrays.stream(label.split("[^0-9]+")).filter(s -> !s.isEmpty()).toList();
  }
}
