package io.zk2zk.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the daemons' threads are made, so that each carries the {@code zk2zk-} name that
 * the logs and the "Threads" table of docs/design.md show. Threads of our own are daemon threads:
 * their owner's close ends them, and none can keep a JVM alive after a missed close.
 */
public final class NamedThreads {

  private NamedThreads() {}

  /** Daemon threads all called {@code name}: for a single thread, or a pool of one. */
  public static ThreadFactory named(String name) {
    return r -> daemon(new Thread(r, name));
  }

  /** Daemon threads called {@code prefix-1}, {@code prefix-2} and so on. */
  public static ThreadFactory numbered(String prefix) {
    return numbered(prefix, 1);
  }

  /** Daemon threads called {@code prefix-first}, {@code prefix-(first+1)} and so on. */
  public static ThreadFactory numbered(String prefix, int first) {
    AtomicInteger next = new AtomicInteger(first);
    return r -> daemon(new Thread(r, prefix + "-" + next.getAndIncrement()));
  }

  /**
   * Threads called {@code name} that are daemon threads only if the thread making them is (the
   * JDK's default): for a library that makes its threads when it starts, on the caller's thread.
   */
  public static ThreadFactory namedLikeCaller(String name) {
    return r -> new Thread(r, name);
  }

  /** A started daemon thread called {@code name} running {@code task}. */
  public static Thread start(String name, Runnable task) {
    Thread t = named(name).newThread(task);
    t.start();
    return t;
  }

  private static Thread daemon(Thread t) {
    t.setDaemon(true);
    return t;
  }
}
