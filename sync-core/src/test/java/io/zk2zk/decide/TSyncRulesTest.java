package io.zk2zk.decide;

import static io.zk2zk.decide.AllSyncRulesTest.assertAction;
import static io.zk2zk.decide.AllSyncRulesTest.bytes;
import static io.zk2zk.decide.AllSyncRulesTest.eph;
import static io.zk2zk.decide.AllSyncRulesTest.ephV;
import static io.zk2zk.decide.AllSyncRulesTest.labelNumbers;
import static io.zk2zk.decide.AllSyncRulesTest.pers;
import static io.zk2zk.decide.AllSyncRulesTest.persV;
import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.decide.AllSyncRulesTest.Row;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The t_sync table of docs/sync-rules.md (rules 17–32 and 34–36), one row per rule, plus the
 * progress counts. A row without a provenance is about a copy from S, where it matters at all.
 */
class TSyncRulesTest {

  private static final String P = "/svc/providers/10.0.0.2:20880";
  private final TSyncRules rules = new TSyncRules();

  /**
   * A t_sync row. In a t_sync PathView the source is T and the target is S, and {@code recorded}
   * means a record exists on T; the parameters keep the global names to read like the spec.
   */
  static Row row(
      String rule,
      Set<String> labels,
      String title,
      NodeState onT,
      NodeState onS,
      boolean recorded,
      Action expected,
      boolean src,
      boolean dst) {
    return rowFrom(
        rule, labels, title, onT, onS, recorded, Provenance.COPY_FROM_SOURCE, expected, src, dst);
  }

  static Row rowFrom(
      String rule,
      Set<String> labels,
      String title,
      NodeState onT,
      NodeState onS,
      boolean recorded,
      Provenance provenance,
      Action expected,
      boolean src,
      boolean dst) {
    return new Row(
        rule, labels, title, new PathView(P, onT, onS, recorded, provenance), expected, src, dst);
  }

  static Row row(
      String rule,
      String title,
      NodeState onT,
      NodeState onS,
      boolean recorded,
      Action expected,
      boolean src,
      boolean dst) {
    return row(rule, Set.of(rule), title, onT, onS, recorded, expected, src, dst);
  }

  // Rules 17–20 and 25–30 overlap in the spec (T P, S absent is in both): accept either label.
  private static final Set<String> P_ON_T = Set.of("17", "18", "19", "20", "25", "26", "29", "30");

  static Stream<Row> table() {
    List<Row> rows = new ArrayList<>();
    // 17–20: P on T, anything on S: all_sync's domain.
    rows.add(
        row(
            "17",
            P_ON_T,
            "P on T, absent on S → nothing (all_sync's domain)",
            pers("t"),
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "18",
            P_ON_T,
            "P on T, P on S with other data → nothing (all_sync's domain)",
            pers("t"),
            pers("s"),
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "19",
            P_ON_T,
            "P on T, E on S → nothing",
            pers("t"),
            eph("s"),
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "20",
            P_ON_T,
            "P on T, P on S, record present → nothing",
            pers("t"),
            pers("t"),
            true,
            new Action.None(P),
            false,
            true));
    // 21, 22: E on T, absent on S: record first, then create P on S (withRecord).
    rows.add(
        row(
            "21",
            "E on T, absent on S → create P on S with T's data, with record",
            eph("reg"),
            NodeState.ABSENT,
            false,
            new Action.Create(P, bytes("reg"), true),
            true,
            false));
    rows.add(
        row(
            "22",
            "E on T, absent on S, record already there (retry) → create with record",
            eph("reg"),
            NodeState.ABSENT,
            true,
            new Action.Create(P, bytes("reg"), true),
            true,
            false));
    rows.add(
        row(
            "21",
            "E on T with null data, absent on S → create with null data (not empty)",
            eph(null),
            NodeState.ABSENT,
            false,
            new Action.Create(P, null, true),
            true,
            false));
    // 23: E on T, P on S: data compared byte for byte.
    rows.add(
        row(
            "23",
            "E on T, P on S, same data → nothing",
            eph("same"),
            pers("same"),
            true,
            new Action.None(P),
            true,
            true));
    rows.add(
        row(
            "23",
            "E on T, P on S, different data → set S's data to T's",
            eph("new"),
            pers("old"),
            true,
            new Action.SetData(P, bytes("new")),
            true,
            true));
    rows.add(
        row(
            "23",
            "E on T with empty data, P on S with null data → set empty",
            eph(""),
            pers(null),
            true,
            new Action.SetData(P, new byte[0]),
            true,
            true));
    rows.add(
        row(
            "23",
            "E on T with null data, P on S with empty data → set null",
            eph(null),
            pers(""),
            true,
            new Action.SetData(P, null),
            true,
            true));
    // 23 without a record (someone removed it): the copy's record is written again, so that
    // the copy goes with its ephemeral and all_sync never copies it back (docs/design.md)
    rows.add(
        row(
            "23",
            "E on T, P on S, same data, record missing → restore the record",
            eph("same"),
            pers("same"),
            false,
            new Action.RestoreRecord(P, false, bytes("same")),
            true,
            false));
    rows.add(
        row(
            "23",
            "E on T with null data, P on S with empty data, record missing → restore it, set null",
            eph(null),
            pers(""),
            false,
            new Action.RestoreRecord(P, true, null),
            true,
            false));
    // 24: E on both: alarm.
    rows.add(
        row(
            "24",
            "E on T, E on S → alarm, nothing written",
            eph("t"),
            eph("s"),
            false,
            new Action.Alarm(P, "(any reason)"),
            true,
            false));
    // 25–30: absent or P on T, absent on S: nothing, except that a stale record is dropped.
    rows.add(
        row(
            "25",
            Set.of("25", "26", "28", "30"),
            "absent on T, absent on S, no record → nothing",
            NodeState.ABSENT,
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "26",
            P_ON_T,
            "P on T, absent on S, no record → nothing",
            pers("t"),
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "28",
            Set.of("25", "26", "28", "30"),
            "absent on T, absent on S, stale record → drop the record",
            NodeState.ABSENT,
            NodeState.ABSENT,
            true,
            new Action.DropRecord(P),
            false,
            false));
    rows.add(
        row(
            "29",
            P_ON_T,
            "P on T with null data, absent on S → nothing",
            pers(null),
            NodeState.ABSENT,
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "30",
            P_ON_T,
            "P on T, absent on S, record present → nothing",
            pers("t"),
            NodeState.ABSENT,
            true,
            new Action.None(P),
            false,
            false));
    // 27: absent on T, P on S, no record: all_sync's domain.
    rows.add(
        row(
            "27",
            "absent on T, P on S, no record → nothing (all_sync's domain)",
            NodeState.ABSENT,
            persV("s", 9),
            false,
            new Action.None(P),
            false,
            false));
    // 31: absent on T, P on S, with record: delete on S (version read on S), then the record.
    rows.add(
        row(
            "31",
            "absent on T, P on S, record present → delete on S with S's version, with record",
            NodeState.ABSENT,
            persV("s", 9),
            true,
            new Action.Delete(P, 9, true),
            false,
            true));
    // 32: absent on T, E on S: nothing; a record naming a live ephemeral on S is stale.
    rows.add(
        row(
            "32",
            "absent on T, E on S, no record → nothing",
            NodeState.ABSENT,
            ephV("s", 4),
            false,
            new Action.None(P),
            false,
            false));
    rows.add(
        row(
            "32",
            "absent on T, E on S, stale record → drop the record, keep S's ephemeral",
            NodeState.ABSENT,
            ephV("s", 4),
            true,
            new Action.DropRecord(P),
            false,
            true));
    // 34: P on T created there by a client, absent on S: carried (record, copy, record "carried").
    rows.add(
        rowFrom(
            "34",
            Set.of("34"),
            "P on T created by a client, absent on S → carry it to S",
            pers("job"),
            NodeState.ABSENT,
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.Carry(P, bytes("job"), null),
            true,
            false));
    rows.add(
        rowFrom(
            "34",
            Set.of("34"),
            "P on T created by a client, absent on S, carry under way (empty record) → carry it",
            pers(null),
            NodeState.ABSENT,
            true,
            Provenance.CREATED_ON_TARGET,
            new Action.Carry(P, null, null),
            true,
            false));
    rows.add(
        rowFrom(
            "34",
            Set.of("34"),
            "P on T whose mark cannot be read → keep it on T only, say why",
            pers("t"),
            NodeState.ABSENT,
            false,
            Provenance.UNKNOWN,
            new Action.Keep(P, "(any reason)"),
            false,
            false));
    // 35: on both sides, a client created it on T: T's data wins; a missing "carried" record is
    // written first.
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T created by a client, P on S, no record says so → claim it, set S's data",
            pers("t"),
            pers("s"),
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.Claim(P, true, bytes("t")),
            true,
            false));
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T created by a client, P on S, same data, record under way → claim it",
            pers("t"),
            pers("t"),
            true,
            Provenance.CREATED_ON_TARGET,
            new Action.Claim(P, false, bytes("t")),
            true,
            true));
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T carried to S, different data on S → set S's data to T's",
            pers("new"),
            pers("old"),
            true,
            Provenance.CARRIED_TO_SOURCE,
            new Action.SetData(P, bytes("new")),
            true,
            true));
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T carried to S, same data → nothing",
            pers("same"),
            pers("same"),
            true,
            Provenance.CARRIED_TO_SOURCE,
            new Action.None(P),
            true,
            true));
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T created by a client, E on S → alarm, nothing written",
            pers("t"),
            ephV("s", 1),
            false,
            Provenance.CREATED_ON_TARGET,
            new Action.Alarm(P, "(any reason)"),
            true,
            false));
    // 34 after an interrupted carry: the copy landed on S with its marker, the record does not
    // say carried yet; absent on S now, a client there took it: say carried, never copy again
    rows.add(
        rowFrom(
            "34",
            Set.of("34"),
            "P on T created by a client, carry landed (marker on S), absent on S → say carried",
            pers("job"),
            NodeState.ABSENT,
            true,
            Provenance.LANDED_ON_SOURCE,
            new Action.Claim(P, false, bytes("job")),
            true,
            false));
    rows.add(
        rowFrom(
            "35",
            Set.of("35"),
            "P on T created by a client, carry landed, P on S → say carried",
            pers("job"),
            pers("job"),
            true,
            Provenance.LANDED_ON_SOURCE,
            new Action.Claim(P, false, bytes("job")),
            true,
            true));
    // 36: carried before, absent on S now: a client on S deleted it; all_sync deletes it on T.
    rows.add(
        rowFrom(
            "36",
            Set.of("36"),
            "P on T carried to S, absent on S → nothing (all_sync deletes it on T, rule 36)",
            pers("t"),
            NodeState.ABSENT,
            true,
            Provenance.CARRIED_TO_SOURCE,
            new Action.None(P),
            true,
            false));
    // 37: all_sync's copy of a queue item on S that a client on T took: its receipt names S's
    // node as it is now, so the item goes from S too (version read on S); all_sync then drops
    // the receipt. Without it, or with an earlier node's, S's node is all_sync's (27).
    rows.add(
        receiptRow(
            "37",
            "absent on T, P on S, its receipt → delete on S",
            persV("job", 4),
            AllSyncRulesTest.receipt(CopyReceipt.State.THIS_NODE, 0),
            new Action.Delete(Q, 4, false)));
    rows.add(
        receiptRow(
            "27",
            "absent on T, P on S with children, its receipt → nothing (all_sync copies it again)",
            persV("job", 4).withStat(0x100, 2),
            AllSyncRulesTest.receipt(CopyReceipt.State.THIS_NODE, 0),
            new Action.None(Q)));
    rows.add(
        receiptRow(
            "27",
            "absent on T, P on S, an earlier node's receipt → nothing",
            persV("job", 4),
            AllSyncRulesTest.receipt(CopyReceipt.State.EARLIER_NODE, 0),
            new Action.None(Q)));
    rows.add(
        receiptRow(
            "27",
            "absent on T, P on S, no receipt → nothing (not copied yet)",
            persV("job", 4),
            AllSyncRulesTest.receipt(CopyReceipt.State.NONE, -1),
            new Action.None(Q)));
    rows.add(
        receiptRow(
            "27",
            "absent on T, P on S, receipt unreadable → nothing",
            persV("job", 4),
            AllSyncRulesTest.receipt(CopyReceipt.State.UNREADABLE, -1),
            new Action.None(Q)));
    return rows.stream();
  }

  static final String Q = AllSyncRulesTest.Q;

  static Row receiptRow(
      String rule, String title, NodeState onS, CopyReceipt receipt, Action expected) {
    return new Row(
        rule,
        Set.of(rule),
        title,
        new PathView(Q, NodeState.ABSENT, onS, false, Provenance.NOT_READ, false, receipt),
        expected,
        false,
        false);
  }

  @Test
  void rule37AskedForSequentialNamesAbsentOnTOnly() {
    assertThat(rules.needsReceipt(Q, NodeState.ABSENT, pers("x"))).isTrue();
    assertThat(rules.needsReceipt(Q, pers("x"), NodeState.ABSENT)).isFalse();
    assertThat(rules.needsReceipt(P, NodeState.ABSENT, pers("x"))).isFalse();
    // a recorded path is t_sync's own copy (rule 31), whatever a receipt says
    Decision d =
        rules.decide(
            new PathView(
                Q,
                NodeState.ABSENT,
                persV("x", 2),
                true,
                Provenance.NOT_READ,
                false,
                AllSyncRulesTest.receipt(CopyReceipt.State.THIS_NODE, 0)));
    assertAction(d.action(), new Action.Delete(Q, 2, true));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> rules.decide(new PathView(Q, NodeState.ABSENT, persV("x", 2), false)))
        .isInstanceOf(IllegalArgumentException.class);
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
    assertThat(labelNumbers(d.rule()))
        .as("%s → rule label %s", row, d.rule())
        .containsAnyElementsOf(row.labels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void countsPerProgressLineDefinition(Row row) {
    // t_sync: Src = the ephemeral nodes on T; Dst = the nodes on S that hold a record.
    assertThat(rules.countsAsSource(row.view()))
        .as("%s → countsAsSource", row)
        .isEqualTo(row.countsSource());
    assertThat(rules.countsAsTarget(row.view()))
        .as("%s → countsAsTarget", row)
        .isEqualTo(row.countsTarget());
  }

  /**
   * Where the reader asks for no record or provenance, the decision must not depend on them; where
   * the rules do not read S (a copy from S on T), S's state must not matter either.
   */
  @Test
  void recordsAndProvenanceAreAskedForWhereverTheDecisionDependsOnThem() {
    table()
        .forEach(
            r -> {
              PathView v = r.view();
              if (!rules.needsRecord(v.source(), v.target())) {
                AllSyncRulesTest.assertAction(
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
              if (!rules.needsTarget(v.source()) && !v.provenance().createdOnTarget()) {
                for (NodeState s : List.of(NodeState.ABSENT, pers("x"), ephV("y", 1))) {
                  assertAction(
                      rules
                          .decide(
                              new PathView(v.path(), v.source(), s, v.recorded(), v.provenance()))
                          .action(),
                      rules.decide(v).action());
                }
              }
            });
  }

  @Test
  void tableCoversRulesSeventeenToThirtyTwo() {
    Set<String> covered = new HashSet<>();
    table().forEach(r -> covered.add(r.rule()));
    for (int i = 17; i <= 32; i++) {
      assertThat(covered).contains(String.valueOf(i));
    }
  }

  @Test
  void deletesOnSOnlyWithARecord() {
    // Deleting section: t_sync deletes on S only paths that hold a record (rule 31), or whose
    // copy a client on T took (rule 37, below: a sequential name with its receipt).
    for (NodeState t : List.of(NodeState.ABSENT, pers("x"), eph("x"))) {
      for (NodeState s : List.of(NodeState.ABSENT, persV("y", 2), ephV("y", 2))) {
        for (Provenance p : knownProvenances(t)) {
          Decision d = rules.decide(new PathView(P, t, s, false, p));
          assertThat(d.action()).as("T=%s S=%s %s", t, s, p).isNotInstanceOf(Action.Delete.class);
          assertThat(d.action()).isNotInstanceOf(Action.DropRecord.class);
        }
      }
    }
  }

  @Test
  void neverWritesAnEphemeralOnS() {
    // Rules 19, 24, 32: a live ephemeral on S belongs to a client still on S.
    for (NodeState t : List.of(NodeState.ABSENT, pers("x"), eph("x"))) {
      for (boolean recorded : new boolean[] {false, true}) {
        for (Provenance p : knownProvenances(t)) {
          Decision d = rules.decide(new PathView(P, t, ephV("y", 1), recorded, p));
          assertThat(d.action())
              .as("T=%s recorded=%s %s", t, recorded, p)
              .isInstanceOfAny(
                  Action.None.class,
                  Action.Alarm.class,
                  Action.Keep.class,
                  Action.DropRecord.class);
        }
      }
    }
  }

  @Test
  void rule35OverAClientsChangeOnSIsAConflictWhereTIsKnownUnchangedOrBothCreatedIt() {
    Decision changedOnS =
        rules.decide(
            new PathView(P, pers("t"), pers("by S"), true, Provenance.CARRIED_TO_SOURCE, true));
    assertAction(changedOnS.action(), new Action.SetData(P, bytes("t")));
    assertThat(changedOnS.conflict())
        .isEqualTo(
            "conflict: changed on S by a client, but the node is T's; T's data wins"
                + " (T: \"t\" (1 bytes), S: \"by S\" (4 bytes))");
    Decision inFlight =
        rules.decide(
            new PathView(P, pers("t"), pers("by S"), true, Provenance.CARRIED_TO_SOURCE, false));
    assertAction(inFlight.action(), new Action.SetData(P, bytes("t")));
    assertThat(inFlight.conflict()).isNull();
    // created on both sides, with different data: T's wins, reported
    Decision both =
        rules.decide(
            new PathView(P, pers("t"), pers("s"), false, Provenance.CREATED_ON_TARGET, false));
    assertAction(both.action(), new Action.Claim(P, true, bytes("t")));
    assertThat(both.conflict()).startsWith("conflict: changed on S by a client");
    // a copy from S on T is all_sync's: no conflict judged here
    assertThat(
            rules
                .decide(
                    new PathView(P, pers("t"), pers("s"), false, Provenance.COPY_FROM_SOURCE, true))
                .conflict())
        .isNull();
  }

  /** The provenances a read can give for a node in state {@code t} on T. */
  private static List<Provenance> knownProvenances(NodeState t) {
    if (!t.isPersistent()) {
      return List.of(Provenance.NOT_READ);
    }
    List<Provenance> all = new ArrayList<>(List.of(Provenance.values()));
    all.remove(Provenance.NOT_READ);
    return all;
  }
}
