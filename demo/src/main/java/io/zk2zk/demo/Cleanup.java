package io.zk2zk.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every server, client session and child process of the demo and closes them in reverse order
 * of creation, once, whether the demo ends normally, fails, or is interrupted (Ctrl-C).
 */
final class Cleanup implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);

  private record Entry(String what, AutoCloseable resource) {}

  private final Deque<Entry> stack = new ArrayDeque<>();

  /** Registers {@code resource}; it is closed by {@link #close()} after everything added later. */
  synchronized <T extends AutoCloseable> T add(String what, T resource) {
    stack.push(new Entry(what, resource));
    return resource;
  }

  /**
   * Closes what is still open, newest first; a failure to close one does not keep the rest open.
   */
  @Override
  public synchronized void close() {
    while (!stack.isEmpty()) {
      Entry entry = stack.pop();
      try {
        entry.resource().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while closing {}", entry.what(), e);
      } catch (Exception e) {
        LOG.warn("failed to close {}", entry.what(), e);
        Console.always("could not close " + entry.what() + ": " + e);
      }
    }
  }
}
