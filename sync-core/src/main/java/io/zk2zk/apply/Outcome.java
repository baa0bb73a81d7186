package io.zk2zk.apply;

import io.zk2zk.outcome.Answer;
import io.zk2zk.outcome.OutcomePolicy;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
import io.zk2zk.zk.Answers;
import org.apache.zookeeper.KeeperException.Code;

/**
 * What became of one write.
 *
 * @param code OK, or the error the server answered last
 * @param extra the audit line's EXTRA: empty, {@code has created}, {@code has deleted}, or the
 *     error code's name, or {@code dry-run} for a write a dry run decided and did not send
 */
public record Outcome(WriteOp op, Code code, boolean success, String extra) {

  static Outcome ok(WriteOp op) {
    return new Outcome(op, Code.OK, true, "");
  }

  /** The EXTRA of a write that a dry run decided and did not send. */
  public static final String DRY_RUN = "dry-run";

  static Outcome dryRun(WriteOp op) {
    return new Outcome(op, Code.OK, true, DRY_RUN);
  }

  /** True for a write that a dry run decided and did not send. */
  public boolean notSent() {
    return DRY_RUN.equals(extra);
  }

  /** The outcome of a request answered {@code code}, as the outcome policy judges it. */
  static Outcome of(WriteOp op, Code code) {
    Request request = op.request();
    Verdict v = OutcomePolicy.judge(request, Answers.of(code));
    if (v == Verdict.DONE) {
      return ok(op);
    }
    return v.success()
        ? new Outcome(op, code, true, OutcomePolicy.alreadyExtra(request, v))
        : failed(op, code);
  }

  static Outcome failed(WriteOp op, Code code) {
    return new Outcome(op, code, false, code.name());
  }

  /** What the server answered, as the outcome policy knows it. */
  private Answer answer() {
    return Answers.of(code);
  }

  /** The policy's verdict on this outcome for a write sent as {@code request}. */
  public Verdict verdict(Request request) {
    return OutcomePolicy.judge(request, answer());
  }
}
