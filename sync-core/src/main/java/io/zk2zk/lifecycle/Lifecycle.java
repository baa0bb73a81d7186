package io.zk2zk.lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of something that starts once and closes once: LATENT, then STARTED, then CLOSED.
 *
 * <p>Only the call that moves it on gets {@code true}, so that exactly one caller does the work of
 * a start or a close however many threads try; a closed object never starts (again).
 */
public final class Lifecycle {

  /** Where an object is in its life. */
  public enum State {
    LATENT,
    STARTED,
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

  /** True for the one call that moves LATENT to STARTED; false after a start or a close. */
  public boolean start() {
    return state.compareAndSet(State.LATENT, State.STARTED);
  }

  /**
   * As {@link #start()} for owners that must be started exactly once.
   *
   * @throws IllegalStateException "already started", also after a close
   */
  public void startOnce() {
    if (!start()) {
      throw new IllegalStateException("already started");
    }
  }

  /**
   * Moves to CLOSED from any state. True only for the call that closed a STARTED object: the one
   * that must undo the start; a close before the start or a second close has nothing to undo.
   */
  public boolean close() {
    return state.getAndSet(State.CLOSED) == State.STARTED;
  }

  /** True between the start and the close. */
  public boolean isStarted() {
    return state.get() == State.STARTED;
  }

  public State state() {
    return state.get();
  }
}
