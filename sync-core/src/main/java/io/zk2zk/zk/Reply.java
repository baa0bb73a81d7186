package io.zk2zk.zk;

import io.zk2zk.outcome.Answer;
import java.util.List;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

/** The answer to one asynchronous ZooKeeper request; errors are values here, not exceptions. */
public record Reply(
    Code code,
    byte[] data,
    Stat stat,
    List<String> children,
    List<OpResult> results,
    List<org.apache.zookeeper.data.ACL> acl) {

  public Reply(Code code, byte[] data, Stat stat, List<String> children, List<OpResult> results) {
    this(code, data, stat, children, results, null);
  }

  static Reply of(int rc) {
    return of(code(rc));
  }

  /** An answer that is its code alone. */
  public static Reply of(Code code) {
    return new Reply(code, null, null, null, null);
  }

  /** The code of a return value; one this client does not know counts as a system error. */
  static Code code(int rc) {
    Code c = Code.get(rc);
    return c != null ? c : Code.SYSTEMERROR;
  }

  public boolean ok() {
    return code == Code.OK;
  }

  /** A {@code multi} that failed at its first op (which applied nothing of it). */
  public boolean failedAtFirstOp() {
    return !ok()
        && results != null
        && !results.isEmpty()
        && results.get(0) instanceof OpResult.ErrorResult e
        && e.getErr() != Code.OK.intValue();
  }

  /** True for errors that say nothing about the node: the connection or session failed. */
  public boolean isTransient() {
    return isTransient(code);
  }

  public static boolean isTransient(Code code) {
    return Answers.of(code) == Answer.UNAVAILABLE;
  }
}
