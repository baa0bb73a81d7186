package io.zk2zk.apply;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every write asks before it is sent ({@code --ha}): may this instance write now, and which
 * node must still exist on the server for the write to apply (its fence)?
 *
 * <p>Why a fence: a check that this instance leads, made before sending, cannot stop a write that
 * is already on its way. A leader cut off from T keeps its sync session for that session's timeout
 * while its election session, shorter, expires and another instance is elected; the writes the
 * network held are then delivered late and would land after the new leader's. A write that also
 * checks, in the same {@code multi}, that the leader's election node still exists cannot: the node
 * is gone (its session expired) before anyone else can be elected, and ZooKeeper applies a {@code
 * multi} whole or not at all.
 */
@FunctionalInterface
public interface WriteGate {

  /** No {@code --ha}: every write goes, unfenced. */
  WriteGate OPEN = () -> null;

  /**
   * Returns the node this write must find on the server (null: no fence), or throws {@link
   * NotLeaderException} when this instance must not write.
   */
  String enter() throws NotLeaderException;

  /** A write found the fence {@code node} gone: this instance no longer leads. */
  default void fenceFailed(String node) {}

  /** Writes while {@code leads} holds, unfenced: for a side the election does not live on. */
  static WriteGate whileLeading(BooleanSupplier leads) {
    return () -> {
      if (!leads.getAsBoolean()) {
        throw new NotLeaderException();
      }
      return null;
    };
  }

  /**
   * Writes while this instance holds the lead, fenced by its election node: for the side the
   * election lives on. {@code leaderNode} gives that node, or null while this instance does not
   * lead; {@code fenceLost} hears of a write that found it gone.
   */
  static WriteGate fencedBy(Supplier<String> leaderNode, Consumer<String> fenceLost) {
    return new WriteGate() {
      @Override
      public String enter() throws NotLeaderException {
        String node = leaderNode.get();
        if (node == null) {
          throw new NotLeaderException();
        }
        return node;
      }

      @Override
      public void fenceFailed(String node) {
        fenceLost.accept(node);
      }
    };
  }
}
