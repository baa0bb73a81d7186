package io.zk2zk.read;

/** Told about each node a batch could not read (e.g. NOAUTH); the rest of the batch goes on. */
@FunctionalInterface
public interface UnreadableNodes {

  /**
   * @param side {@code source} or {@code target}
   * @param code the error's name, e.g. {@code NOAUTH}
   */
  void unreadable(String path, String side, String code);
}
