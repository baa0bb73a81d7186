package io.zk2zk.decide;

/**
 * Where a persistent node on T came from, as far as its {@link OriginMark} and its creation tell:
 * asked only where it matters, a node on T that S does not have (rule 33).
 */
public enum Provenance {
  /** Not asked: the rule for this path does not depend on it. */
  NOT_READ,
  /** A copy from S: it carries the mark, or was created before all_sync started marking. */
  COPY_FROM_SOURCE,
  /** Created on T by a client, after all_sync started marking: it carries no mark. */
  CREATED_ON_TARGET,
  /** Its ACL could not be read (e.g. NOAUTH): nothing tells. */
  UNKNOWN
}
