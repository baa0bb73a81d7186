package io.zk2zk.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.outcome.Answer;
import org.apache.zookeeper.KeeperException.Code;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** ZooKeeper's result codes as the outcome policy sees them: the one place that maps them. */
class AnswersTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "OK, OK",
    "NODEEXISTS, NODE_EXISTS",
    "NONODE, NO_NODE",
    "NOTEMPTY, NOT_EMPTY",
    "BADVERSION, BAD_VERSION",
    "CONNECTIONLOSS, UNAVAILABLE",
    "SESSIONEXPIRED, UNAVAILABLE",
    "OPERATIONTIMEOUT, UNAVAILABLE",
    "SESSIONMOVED, UNAVAILABLE",
    "REQUESTTIMEOUT, UNAVAILABLE",
    "THROTTLEDOP, UNAVAILABLE",
    "SYSTEMERROR, UNAVAILABLE",
    "RUNTIMEINCONSISTENCY, UNAVAILABLE",
    "NOAUTH, REFUSED",
    "BADARGUMENTS, REFUSED",
    "INVALIDACL, REFUSED",
    "AUTHFAILED, REFUSED",
    "NOCHILDRENFOREPHEMERALS, REFUSED",
    "UNIMPLEMENTED, REFUSED",
    "QUOTAEXCEEDED, REFUSED"
  })
  void eachCodeIsOneAnswer(Code code, Answer answer) {
    assertThat(Answers.of(code)).isEqualTo(answer);
  }

  @ParameterizedTest
  @EnumSource(Code.class)
  void aReplyIsTransientExactlyWhenItsSideIsUnavailable(Code code) {
    assertThat(Reply.isTransient(code)).isEqualTo(Answers.of(code) == Answer.UNAVAILABLE);
  }
}
