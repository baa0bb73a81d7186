package io.zk2zk.apply;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the paths already reported, so that a report repeats only after the path has been
 * forgotten: the oldest of more than {@code capacity} paths are, which bounds the memory.
 */
final class OncePerPath {

  private final Map<String, Boolean> seen;

  OncePerPath(int capacity) {
    this.seen =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** True the first time {@code path} is asked about (again after it was forgotten). */
  synchronized boolean firstTime(String path) {
    return seen.put(path, Boolean.TRUE) == null;
  }
}
