package io.zk2zk.zk;

/** One side's connection or session failed during a batch; the batch must be retried later. */
public final class SideUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public SideUnavailableException(String message) {
    super(message);
  }
}
