package io.zk2zk.apply;

/**
 * Thrown by a gated {@link Applier} when this instance no longer leads ({@code --ha}): the sync
 * pipeline is being stopped, so the thread stops its work like on an interrupt, and the next leader
 * reconciles whatever was left undone.
 */
public final class NotLeaderException extends InterruptedException {

  private static final long serialVersionUID = 1L;

  NotLeaderException() {
    super("no longer the leader: writes stopped");
  }
}
