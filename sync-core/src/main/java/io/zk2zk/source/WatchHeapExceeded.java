package io.zk2zk.source;

/**
 * The per-node watches of the source's tree do not fit this JVM's heap: the daemon stops with one
 * line saying how much heap to give it, rather than running into full GCs.
 */
public final class WatchHeapExceeded extends RuntimeException {

  public WatchHeapExceeded(String message) {
    super(message, null, false, false);
  }
}
