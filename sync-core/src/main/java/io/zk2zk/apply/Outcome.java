package io.zk2zk.apply;

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

  static Outcome okAlready(WriteOp op, Code code, String extra) {
    return new Outcome(op, code, true, extra);
  }

  static Outcome failed(WriteOp op, Code code) {
    return new Outcome(op, code, false, code.name());
  }
}
