package io.zk2zk.zk;

/** The daemon cannot start; the message names the address and the cause, for the user. */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }
}
