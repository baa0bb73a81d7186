package io.zk2zk.source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * all_sync's registrations in one round trip to T: a new ephemeral on S (rules 5–6) is created on T
 * without reading T first, a write that answers for itself: {@code NodeExists} says T had the path
 * (its copy, a client's node, a live ephemeral), and then the path is read on both sides and
 * decided as any other. Only a node whose data never changed (a registration, not an update) is
 * created blind, and a path whose blind create found T's node is read first the next time. Like
 * {@link DirtyPaths}, shared by the reader that skips the read and the executor that sees the
 * answer.
 */
public final class BlindCreates {

  /** Paths remembered as present on T; beyond it the memory starts again (it is only a hint). */
  private static final int REMEMBERED = 100_000;

  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<String> presentOnTarget = ConcurrentHashMap.newKeySet();

  /**
   * Whether the reader may leave T unread for {@code path}, whose source node is an ephemeral of
   * {@code version}; if so the path counts as a blind create until {@link #answered}.
   */
  public boolean skipTargetRead(String path, boolean ephemeral, int version) {
    if (!ephemeral || version != 0 || presentOnTarget.contains(path)) {
      return false;
    }
    inFlight.add(path);
    return true;
  }

  /** The reader read T for {@code path} and found nothing there. */
  public void readAbsent(String path) {
    presentOnTarget.remove(path);
  }

  /**
   * The answer to a create of {@code path}: returns true when it was a blind create that found the
   * node on T ({@code present}), whose outcome is then no write at all: the path is decided again.
   */
  public boolean answered(String path, boolean present) {
    boolean blind = inFlight.remove(path);
    if (blind && present) {
      if (presentOnTarget.size() >= REMEMBERED) {
        presentOnTarget.clear();
      }
      presentOnTarget.add(path);
    }
    return blind && present;
  }

  /** A blind create that was planned no write (decided otherwise): nothing in flight for it. */
  public void dropped(String path) {
    inFlight.remove(path);
  }
}
