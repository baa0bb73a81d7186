package io.zk2zk.outcome;

import static io.zk2zk.outcome.Answer.BAD_VERSION;
import static io.zk2zk.outcome.Answer.NODE_EXISTS;
import static io.zk2zk.outcome.Answer.NOT_EMPTY;
import static io.zk2zk.outcome.Answer.NO_NODE;
import static io.zk2zk.outcome.Answer.OK;
import static io.zk2zk.outcome.Answer.REFUSED;
import static io.zk2zk.outcome.Answer.UNAVAILABLE;
import static io.zk2zk.outcome.Request.CREATE;
import static io.zk2zk.outcome.Request.CREATE_RECORD;
import static io.zk2zk.outcome.Request.DELETE;
import static io.zk2zk.outcome.Request.DELETE_RECORD;
import static io.zk2zk.outcome.Request.READ;
import static io.zk2zk.outcome.Request.SET_ACL;
import static io.zk2zk.outcome.Request.SET_DATA;
import static io.zk2zk.outcome.Request.SET_RECORD;
import static io.zk2zk.outcome.Verdict.ABSENT;
import static io.zk2zk.outcome.Verdict.ALREADY;
import static io.zk2zk.outcome.Verdict.ALREADY_DECIDE_AGAIN;
import static io.zk2zk.outcome.Verdict.CREATE_ANCESTORS;
import static io.zk2zk.outcome.Verdict.CREATE_RECORD_INSTEAD;
import static io.zk2zk.outcome.Verdict.CREATE_RECORD_ROOT;
import static io.zk2zk.outcome.Verdict.DECIDE_AGAIN;
import static io.zk2zk.outcome.Verdict.DELETE_SUBTREE;
import static io.zk2zk.outcome.Verdict.DONE;
import static io.zk2zk.outcome.Verdict.FAILED;
import static io.zk2zk.outcome.Verdict.RETRY_LATER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What follows each ZooKeeper result (design.md, "Apply"): one row per request and answer, every
 * pair of the two enums, no server.
 */
class OutcomePolicyTest {

  record Row(Request request, Answer answer, Verdict verdict, String why) {
    @Override
    public String toString() {
      return request + " answered " + answer + " → " + verdict + ": " + why;
    }
  }

  static final List<Row> TABLE =
      List.of(
          new Row(READ, OK, DONE, "the node is there"),
          new Row(READ, NO_NODE, ABSENT, "NONODE is an answer, not an error"),
          new Row(READ, NODE_EXISTS, FAILED, "no read answers this: unreadable"),
          new Row(READ, NOT_EMPTY, FAILED, "no read answers this: unreadable"),
          new Row(READ, BAD_VERSION, FAILED, "no read answers this: unreadable"),
          new Row(READ, UNAVAILABLE, RETRY_LATER, "the side is down: the batch waits for it"),
          new Row(READ, REFUSED, FAILED, "e.g. NOAUTH: an Alarm line, the rest goes on"),
          new Row(CREATE, OK, DONE, "created"),
          new Row(CREATE, NODE_EXISTS, ALREADY_DECIDE_AGAIN, "has created; compare its data again"),
          new Row(CREATE, NO_NODE, CREATE_ANCESTORS, "parent missing: copy ancestors first"),
          new Row(CREATE, NOT_EMPTY, FAILED, "not a create's answer"),
          new Row(CREATE, BAD_VERSION, FAILED, "not a create's answer"),
          new Row(CREATE, UNAVAILABLE, RETRY_LATER, "retried with backoff, then marked"),
          new Row(CREATE, REFUSED, FAILED, "e.g. NOAUTH, too large: a fail line"),
          new Row(CREATE_RECORD, OK, DONE, "record written before its copy"),
          new Row(CREATE_RECORD, NODE_EXISTS, ALREADY, "the record is there: the copy may go"),
          new Row(CREATE_RECORD, NO_NODE, CREATE_RECORD_ROOT, "/zk2zk_migration was deleted"),
          new Row(CREATE_RECORD, NOT_EMPTY, FAILED, "not a create's answer"),
          new Row(CREATE_RECORD, BAD_VERSION, FAILED, "not a create's answer"),
          new Row(CREATE_RECORD, UNAVAILABLE, RETRY_LATER, "no copy without its record"),
          new Row(CREATE_RECORD, REFUSED, FAILED, "no copy without its record"),
          new Row(SET_RECORD, OK, DONE, "the record says carried"),
          new Row(SET_RECORD, NODE_EXISTS, FAILED, "not a setData's answer"),
          new Row(SET_RECORD, NO_NODE, CREATE_RECORD_INSTEAD, "created with that data instead"),
          new Row(SET_RECORD, NOT_EMPTY, FAILED, "not a setData's answer"),
          new Row(SET_RECORD, BAD_VERSION, FAILED, "sent unconditionally: not expected"),
          new Row(SET_RECORD, UNAVAILABLE, RETRY_LATER, "retried with backoff, then marked"),
          new Row(SET_RECORD, REFUSED, FAILED, "logged; the next pass says it again"),
          new Row(SET_DATA, OK, DONE, "data aligned"),
          new Row(SET_DATA, NODE_EXISTS, FAILED, "not a setData's answer"),
          new Row(SET_DATA, NO_NODE, DECIDE_AGAIN, "the target node vanished after the read"),
          new Row(SET_DATA, NOT_EMPTY, FAILED, "not a setData's answer"),
          new Row(SET_DATA, BAD_VERSION, FAILED, "sent unconditionally: not expected"),
          new Row(SET_DATA, UNAVAILABLE, RETRY_LATER, "retried with backoff, then marked"),
          new Row(SET_DATA, REFUSED, FAILED, "e.g. NOAUTH, too large: a fail line"),
          new Row(SET_ACL, OK, DONE, "ACL aligned"),
          new Row(SET_ACL, NODE_EXISTS, FAILED, "not a setACL's answer"),
          new Row(SET_ACL, NO_NODE, DECIDE_AGAIN, "the target node vanished after the read"),
          new Row(SET_ACL, NOT_EMPTY, FAILED, "not a setACL's answer"),
          new Row(SET_ACL, BAD_VERSION, FAILED, "sent unconditionally: not expected"),
          new Row(SET_ACL, UNAVAILABLE, RETRY_LATER, "retried with backoff, then marked"),
          new Row(SET_ACL, REFUSED, FAILED, "e.g. an invalid ACL: a fail line"),
          new Row(DELETE, OK, DONE, "deleted"),
          new Row(DELETE, NODE_EXISTS, FAILED, "not a delete's answer"),
          new Row(DELETE, NO_NODE, ALREADY, "has deleted"),
          new Row(DELETE, NOT_EMPTY, DELETE_SUBTREE, "children first, as the rules allow"),
          new Row(DELETE, BAD_VERSION, DECIDE_AGAIN, "changed since it was read: never blind"),
          new Row(DELETE, UNAVAILABLE, RETRY_LATER, "retried with backoff, then marked"),
          new Row(DELETE, REFUSED, FAILED, "e.g. NOAUTH: a fail line"),
          new Row(DELETE_RECORD, OK, DONE, "record deleted after its copy"),
          new Row(DELETE_RECORD, NODE_EXISTS, FAILED, "not a delete's answer"),
          new Row(DELETE_RECORD, NO_NODE, ALREADY, "gone already"),
          new Row(DELETE_RECORD, NOT_EMPTY, FAILED, "records have no children"),
          new Row(DELETE_RECORD, BAD_VERSION, FAILED, "sent unconditionally: not expected"),
          new Row(DELETE_RECORD, UNAVAILABLE, RETRY_LATER, "the next pass removes it"),
          new Row(DELETE_RECORD, REFUSED, FAILED, "logged; the next pass removes it"));

  static Stream<Row> table() {
    return TABLE.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void eachRequestAndAnswerHasOneVerdict(Row row) {
    assertThat(OutcomePolicy.judge(row.request(), row.answer())).isEqualTo(row.verdict());
  }

  @Test
  void theTableCoversEveryRequestAndAnswer() {
    Set<String> pairs = new HashSet<>();
    for (Row r : TABLE) {
      assertThat(pairs.add(r.request() + "/" + r.answer())).as("row %s twice", r).isTrue();
    }
    assertThat(pairs).hasSize(Request.values().length * Answer.values().length);
  }

  @Test
  void nodeExistsOnCreateAndNoNodeOnDeleteAreSuccessWithTheirMonitorText() {
    assertThat(OutcomePolicy.judge(CREATE, NODE_EXISTS).success()).isTrue();
    assertThat(OutcomePolicy.alreadyExtra(CREATE, ALREADY_DECIDE_AGAIN)).isEqualTo("has created");
    assertThat(OutcomePolicy.judge(DELETE, NO_NODE).success()).isTrue();
    assertThat(OutcomePolicy.alreadyExtra(DELETE, ALREADY)).isEqualTo("has deleted");
    assertThat(OutcomePolicy.alreadyExtra(DELETE, DONE)).isNull();
  }

  @Test
  void onlyDoneAndAlreadyAreSuccess() {
    Set<Verdict> success = EnumSet.noneOf(Verdict.class);
    for (Verdict v : Verdict.values()) {
      if (v.success()) {
        success.add(v);
      }
    }
    assertThat(success).containsExactlyInAnyOrder(DONE, ALREADY, ALREADY_DECIDE_AGAIN);
  }
}
