package io.zk2zk.decide;

/**
 * Where a persistent node on T came from, as far as its {@link OriginMark}, its creation and its
 * record tell: asked only where it matters (rules 33–36).
 */
public enum Provenance {
  /** Not asked: the rule for this path does not depend on it. */
  NOT_READ,
  /** A copy from S: it carries the mark, or was created before all_sync started marking. */
  COPY_FROM_SOURCE,
  /**
   * Created on T by a client, after all_sync started marking: it carries no mark, and no record
   * says that t_sync carried it to S yet (rule 34 carries it).
   */
  CREATED_ON_TARGET,
  /**
   * Created on T by a client and carried to S: its record's data is {@link RecordName#CARRIED}. Its
   * absence on S now means that a client on S deleted it (rule 36).
   */
  CARRIED_TO_SOURCE,
  /**
   * t_sync only: created on T by a client, its record says a carry is under way, and the carry's
   * marker on S says the copy was created there (the copy and the marker are created together): the
   * carry landed, and only the record does not say so yet.
   */
  LANDED_ON_SOURCE,
  /** Its ACL could not be read (e.g. NOAUTH): nothing tells. */
  UNKNOWN;

  /** Whether a client created the node on T: T's node, which t_sync carries to S. */
  public boolean createdOnTarget() {
    return this == CREATED_ON_TARGET || this == CARRIED_TO_SOURCE || this == LANDED_ON_SOURCE;
  }
}
