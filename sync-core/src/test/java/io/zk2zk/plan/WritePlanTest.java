package io.zk2zk.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.decide.AclEntry;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.Decision;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order of a batch's writes (design.md, "Apply"; sync-rules.md, "Records"): records first,
 * parents-first creates, then updates, children-first deletes, records after. A plan is written as
 * its steps, one per line: the side, then each write as {@code PURPOSE path}, with {@code <-
 * PURPOSE path} naming the write it requires.
 */
class WritePlanTest {

  static byte[] data(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Decision d(String rule, Action a) {
    return new Decision(rule, a);
  }

  static Decision create(String path) {
    return d("1-2", new Action.Create(path, data("x"), false));
  }

  static Decision copy(String path) {
    return d("21-22", new Action.Create(path, data("x"), true));
  }

  static Decision delete(String path) {
    return d("11-15", new Action.Delete(path, 0, false));
  }

  record Row(String title, List<Decision> decisions, List<String> steps) {
    @Override
    public String toString() {
      return title;
    }
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row("nothing to do writes nothing", List.of(d("3", new Action.None("/a"))), List.of()),
        new Row(
            "rules 1–2: creates go parents first, whatever the batch's order",
            List.of(create("/a/b/c"), create("/a"), create("/a/b"), create("/x")),
            List.of("TARGET: CREATE /a, CREATE /x, CREATE /a/b, CREATE /a/b/c")),
        new Row(
            "rules 1–2: a batch already parents first keeps its order (a pass's level)",
            List.of(create("/b"), create("/a"), create("/b/x")),
            List.of("TARGET: CREATE /b, CREATE /a, CREATE /b/x")),
        new Row(
            "rules 21–22: each record is written before its copy, and the copy requires it",
            List.of(copy("/s/p1"), copy("/s")),
            List.of(
                "RECORDS: RECORD_FIRST /s, RECORD_FIRST /s/p1",
                "TARGET: CREATE /s <- RECORD_FIRST /s, CREATE /s/p1 <- RECORD_FIRST /s/p1")),
        new Row(
            "rules 3 and 7: updates after the creates; data before its ACL",
            List.of(
                d(
                    "3",
                    new Action.SetData(
                        "/a", data("y"), List.of(new AclEntry(31, "world", "anyone")))),
                d("3", new Action.SetAcl("/b", List.of(new AclEntry(1, "world", "anyone")))),
                create("/c")),
            List.of("TARGET: CREATE /c, SET_DATA /a, SET_ACL /a, SET_ACL /b")),
        new Row(
            "rules 11–15: deletes go children first, after every create and update",
            List.of(delete("/a"), delete("/a/b/c"), create("/n"), delete("/a/b")),
            List.of("TARGET: CREATE /n", "TARGET: DELETE /a/b/c, DELETE /a/b, DELETE /a")),
        new Row(
            "rule 31: a copy's record is deleted after the copy, if the copy's delete succeeded",
            List.of(d("31", new Action.Delete("/s/p1", 3, true))),
            List.of(
                "TARGET: DELETE_WITH_RECORD /s/p1",
                "RECORDS: RECORD_AFTER_DELETE /s/p1 <- DELETE_WITH_RECORD /s/p1")),
        new Row(
            "rule 23: a missing record is restored first; the copy's data follows it",
            List.of(
                d("23", new Action.RestoreRecord("/s/p1", true, data("v2"))),
                d("23", new Action.RestoreRecord("/s/p2", false, null))),
            List.of(
                "RECORDS: RESTORE_RECORD /s/p1, RESTORE_RECORD /s/p2",
                "TARGET: SET_DATA /s/p1 <- RESTORE_RECORD /s/p1")),
        new Row(
            "rule 34: a client's node is carried: record, copy with its marker, the record says"
                + " carried, then the marker goes",
            List.of(
                d("34", new Action.Carry("/q/item-0000000001", data("job"), null)),
                d("34", new Action.Carry("/q", null, null))),
            List.of(
                "RECORDS: RECORD_CARRYING /q, RECORD_CARRYING /q/item-0000000001",
                "TARGET: CARRY /q <- RECORD_CARRYING /q,"
                    + " CARRY /q/item-0000000001 <- RECORD_CARRYING /q/item-0000000001",
                "RECORDS: RECORD_CARRIED /q <- CARRY /q,"
                    + " RECORD_CARRIED /q/item-0000000001 <- CARRY /q/item-0000000001",
                "TARGET: DROP_MARKER /q <- RECORD_CARRIED /q,"
                    + " DROP_MARKER /q/item-0000000001 <- RECORD_CARRIED /q/item-0000000001")),
        new Row(
            "rule 35: a client's node S has too is claimed first; S's data follows the record",
            List.of(
                d("35", new Action.Claim("/m/a", true, data("t"))),
                d("35", new Action.Claim("/m/b", false, data("t")))),
            List.of(
                "RECORDS: RECORD_CARRIED /m/a, RECORD_CARRIED /m/b",
                "TARGET: SET_DATA /m/a <- RECORD_CARRIED /m/a")),
        new Row(
            "rule 37: a queue item's copy goes with its receipt; a deleted copy's receipt goes"
                + " after it; a receipt of a node gone from both sides goes",
            List.of(
                d(
                    "1-2-37",
                    new Action.Create(
                        "/q/i-0000000002",
                        data("job"),
                        false,
                        null,
                        new CopyReceipt(CopyReceipt.State.NONE, 9, -1))),
                d(
                    "11-15-37",
                    new Action.Delete(
                        "/q/i-0000000001",
                        2,
                        false,
                        new CopyReceipt(CopyReceipt.State.EARLIER_NODE, 0, 5))),
                d("37", new Action.DropReceipt("/q/i-0000000000", 1))),
            List.of(
                "TARGET: CREATE_WITH_RECEIPT /q/i-0000000002",
                "TARGET: DELETE /q/i-0000000001",
                "RECORDS: DROP_RECEIPT /q/i-0000000001 <- DELETE /q/i-0000000001,"
                    + " DROP_RECEIPT /q/i-0000000000")),
        new Row(
            "rules 25–30 and 32: stale records go last, after the deletes",
            List.of(d("25-30", new Action.DropRecord("/gone")), delete("/x")),
            List.of("TARGET: DELETE /x", "RECORDS: DROP_RECORD /gone")),
        new Row(
            "all steps at once, in their order",
            List.of(
                d("25-30", new Action.DropRecord("/gone")),
                d("31", new Action.Delete("/s/old", 1, true)),
                d("23", new Action.RestoreRecord("/s/p2", true, data("v"))),
                copy("/s/p1"),
                d("23", new Action.SetData("/s/p3", data("v")))),
            List.of(
                "RECORDS: RESTORE_RECORD /s/p2, RECORD_FIRST /s/p1",
                "TARGET: CREATE /s/p1 <- RECORD_FIRST /s/p1, SET_DATA /s/p3,"
                    + " SET_DATA /s/p2 <- RESTORE_RECORD /s/p2",
                "TARGET: DELETE_WITH_RECORD /s/old",
                "RECORDS: RECORD_AFTER_DELETE /s/old <- DELETE_WITH_RECORD /s/old,"
                    + " DROP_RECORD /gone")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void writesAreOrdered(Row row) {
    assertThat(render(WritePlan.of(row.decisions()))).isEqualTo(row.steps());
  }

  @Test
  void alarmsWriteNothingAndAreListedToBeReported() {
    Decision alarm = d("8", new Action.Alarm("/e", "ephemeral on both sides"));
    WritePlan plan = WritePlan.of(List.of(alarm, create("/a")));
    assertThat(plan.alarms()).containsExactly(alarm);
    assertThat(render(plan)).containsExactly("TARGET: CREATE /a");
    assertThat(plan.decidedWrites()).isEqualTo(1);
  }

  @Test
  void theDecidedWritesCountEveryDecisionThatWrites() {
    WritePlan plan =
        WritePlan.of(
            List.of(
                copy("/a"),
                d("3", new Action.SetData("/b", data("v"), List.of())),
                d("23", new Action.RestoreRecord("/c", true, data("v"))),
                d("25-30", new Action.DropRecord("/d")),
                d("3", new Action.None("/e"))));
    // a record and its copy, data and ACL, record and data: one decided write each
    assertThat(plan.decidedWrites()).isEqualTo(4);
  }

  @Test
  void aCopyCarriesItsDataAndAcl() {
    List<AclEntry> acl = List.of(new AclEntry(31, "digest", "u:h"));
    WritePlan plan =
        WritePlan.of(List.of(d("1-2", new Action.Create("/a", data("x"), false, acl))));
    PlannedWrite w = plan.steps().get(0).writes().get(0);
    assertThat(w.data()).isEqualTo(data("x"));
    assertThat(w.acl()).isEqualTo(acl);
    assertThat(w.requires()).isEqualTo(-1);
  }

  @Test
  void rule37ACopysReceiptNamesSsNodeAndAnEarlierNodesIsSetAtTheVersionRead() {
    WritePlan plan =
        WritePlan.of(
            List.of(
                d(
                    "1-2-37",
                    new Action.Create(
                        "/q/i-0000000002",
                        data("job"),
                        false,
                        null,
                        new CopyReceipt(CopyReceipt.State.EARLIER_NODE, 77, 3))),
                d(
                    "11-15-37",
                    new Action.Delete(
                        "/q/i-0000000001",
                        2,
                        false,
                        new CopyReceipt(CopyReceipt.State.EARLIER_NODE, 0, 5)))));
    PlannedWrite copy = plan.steps().get(0).writes().get(0);
    assertThat(copy.receiptCzxid()).isEqualTo(77);
    assertThat(copy.version()).as("the earlier receipt's version").isEqualTo(3);
    assertThat(plan.steps().get(2).writes().get(0).version()).isEqualTo(5);
  }

  @Test
  void aDeleteIsConditionalOnTheVersionRead() {
    WritePlan plan = WritePlan.of(List.of(d("11-15", new Action.Delete("/a", 7, false))));
    assertThat(plan.steps().get(0).writes().get(0).version()).isEqualTo(7);
  }

  /** The plan as its steps, one line each. */
  static List<String> render(WritePlan plan) {
    Map<Integer, PlannedWrite> byId = new HashMap<>();
    for (WritePlan.Step s : plan.steps()) {
      for (PlannedWrite w : s.writes()) {
        assertThat(byId.put(w.id(), w)).as("ids are unique").isNull();
      }
    }
    List<String> out = new ArrayList<>();
    for (WritePlan.Step s : plan.steps()) {
      List<String> writes = new ArrayList<>();
      for (PlannedWrite w : s.writes()) {
        assertThat(w.purpose().side()).isEqualTo(s.side());
        String line = w.purpose() + " " + w.path();
        if (w.requires() >= 0) {
          PlannedWrite first = byId.get(w.requires());
          assertThat(first.id()).as("a write requires an earlier one").isLessThan(w.id());
          line += " <- " + first.purpose() + " " + first.path();
        }
        writes.add(line);
      }
      out.add(s.side() + ": " + String.join(", ", writes));
    }
    return out;
  }
}
