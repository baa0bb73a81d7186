package io.zk2zk.outcome;

/**
 * What a server answered to one request, as far as deciding what follows needs to know; {@code
 * zk/Answers} maps ZooKeeper's result codes onto it, the only place that knows them.
 */
public enum Answer {
  OK,
  NODE_EXISTS,
  NO_NODE,
  NOT_EMPTY,
  BAD_VERSION,
  /** The connection or session failed: the answer says nothing about the node. */
  UNAVAILABLE,
  /** Any other refusal (NOAUTH, a too large request, an invalid ACL, …): about this node only. */
  REFUSED
}
