package io.zk2zk.outcome;

/**
 * The one place that decides what follows a ZooKeeper result: NodeExists on create and NoNode on
 * delete are success, NoNode on a read is an answer, a lost connection is retried, and each other
 * refusal either escalates (missing ancestors, children in the way) or is reported. Pure: a table
 * from request and answer to verdict ({@code OutcomePolicyTest} is that table).
 */
public final class OutcomePolicy {

  private OutcomePolicy() {}

  /** The verdict on {@code answer} to {@code request}. */
  public static Verdict judge(Request request, Answer answer) {
    if (answer == Answer.OK) {
      return Verdict.DONE;
    }
    if (answer == Answer.UNAVAILABLE) {
      return Verdict.RETRY_LATER;
    }
    return switch (request) {
      case READ -> answer == Answer.NO_NODE ? Verdict.ABSENT : Verdict.FAILED;
      case CREATE ->
          switch (answer) {
            case NODE_EXISTS -> Verdict.ALREADY_DECIDE_AGAIN;
            case NO_NODE -> Verdict.CREATE_ANCESTORS;
            default -> Verdict.FAILED;
          };
      case CREATE_RECORD ->
          switch (answer) {
            case NODE_EXISTS -> Verdict.ALREADY;
            case NO_NODE -> Verdict.CREATE_RECORD_ROOT;
            default -> Verdict.FAILED;
          };
      case SET_RECORD -> answer == Answer.NO_NODE ? Verdict.CREATE_RECORD_INSTEAD : Verdict.FAILED;
      case SET_DATA, SET_ACL -> answer == Answer.NO_NODE ? Verdict.DECIDE_AGAIN : Verdict.FAILED;
      case DELETE ->
          switch (answer) {
            case NO_NODE -> Verdict.ALREADY;
            case NOT_EMPTY -> Verdict.DELETE_SUBTREE;
            case BAD_VERSION -> Verdict.DECIDE_AGAIN;
            default -> Verdict.FAILED;
          };
      case DELETE_RECORD -> answer == Answer.NO_NODE ? Verdict.ALREADY : Verdict.FAILED;
    };
  }

  /** The EXTRA of a monitor line for a write that succeeded with {@code verdict}, else null. */
  public static String alreadyExtra(Request request, Verdict verdict) {
    if (verdict != Verdict.ALREADY && verdict != Verdict.ALREADY_DECIDE_AGAIN) {
      return null;
    }
    return request == Request.DELETE || request == Request.DELETE_RECORD
        ? "has deleted"
        : "has created";
  }
}
