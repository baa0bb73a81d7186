package io.zk2zk.zk;

import io.zk2zk.outcome.Answer;
import org.apache.zookeeper.KeeperException.Code;

/** ZooKeeper's result codes as the outcome policy knows them: the only place that maps them. */
public final class Answers {

  private Answers() {}

  /** The answer a result code gives. */
  public static Answer of(Code code) {
    return switch (code) {
      case OK -> Answer.OK;
      case NODEEXISTS -> Answer.NODE_EXISTS;
      case NONODE -> Answer.NO_NODE;
      case NOTEMPTY -> Answer.NOT_EMPTY;
      case BADVERSION -> Answer.BAD_VERSION;
      // the connection or session failed: nothing is known about the node
      case CONNECTIONLOSS,
          SESSIONEXPIRED,
          OPERATIONTIMEOUT,
          SESSIONMOVED,
          REQUESTTIMEOUT,
          THROTTLEDOP,
          SYSTEMERROR,
          RUNTIMEINCONSISTENCY ->
          Answer.UNAVAILABLE;
      default -> Answer.REFUSED;
    };
  }
}
