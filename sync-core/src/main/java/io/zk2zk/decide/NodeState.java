package io.zk2zk.decide;

import java.util.Arrays;
import java.util.List;

/**
 * One side's view of one path at the moment it was read.
 *
 * @param kind absent, persistent or ephemeral
 * @param data the node's data exactly as read; {@code null} and empty are different values
 * @param version the data version, used to make deletes conditional on what was read
 * @param children child names when they were read, otherwise {@code null}
 * @param acl the node's ACL when it was read ({@code --copyAcl}), otherwise {@code null}
 * @param czxid the zxid that created the node (which node this is, where a path is reused), 0 when
 *     absent or not read
 * @param numChildren how many children the node had when read (its stat's count), 0 when absent
 */
public record NodeState(
    NodeKind kind,
    byte[] data,
    int version,
    List<String> children,
    List<AclEntry> acl,
    long czxid,
    int numChildren) {

  public NodeState(NodeKind kind, byte[] data, int version, List<String> children) {
    this(kind, data, version, children, null, 0, 0);
  }

  public NodeState(
      NodeKind kind, byte[] data, int version, List<String> children, List<AclEntry> acl) {
    this(kind, data, version, children, acl, 0, 0);
  }

  /** The same state with its ACL. */
  public NodeState withAcl(List<AclEntry> acl) {
    return new NodeState(kind, data, version, children, acl, czxid, numChildren);
  }

  /** The same state, created by {@code czxid}, with {@code numChildren} children. */
  public NodeState withStat(long czxid, int numChildren) {
    return new NodeState(kind, data, version, children, acl, czxid, numChildren);
  }

  /** True when both ACLs were read and differ (the order of entries does not matter). */
  public boolean aclDiffersFrom(NodeState other) {
    return acl != null
        && other.acl != null
        && !new java.util.HashSet<>(acl).equals(new java.util.HashSet<>(other.acl));
  }

  /** The state of a path that does not exist. */
  public static final NodeState ABSENT = new NodeState(NodeKind.ABSENT, null, -1, List.of());

  public static NodeState persistent(byte[] data) {
    return new NodeState(NodeKind.PERSISTENT, data, 0, null);
  }

  public static NodeState ephemeral(byte[] data) {
    return new NodeState(NodeKind.EPHEMERAL, data, 0, null);
  }

  public boolean exists() {
    return kind != NodeKind.ABSENT;
  }

  public boolean isPersistent() {
    return kind == NodeKind.PERSISTENT;
  }

  public boolean isEphemeral() {
    return kind == NodeKind.EPHEMERAL;
  }

  /** Byte-exact equality of data, where {@code null} differs from empty. */
  public boolean sameDataAs(NodeState other) {
    return Arrays.equals(data, other.data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeState s
        && kind == s.kind
        && version == s.version
        && czxid == s.czxid
        && numChildren == s.numChildren
        && Arrays.equals(data, s.data)
        && java.util.Objects.equals(children, s.children)
        && java.util.Objects.equals(acl, s.acl);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        kind, version, Arrays.hashCode(data), children, acl, czxid, numChildren);
  }

  @Override
  public String toString() {
    return kind + (data == null ? "(null)" : "(" + data.length + "B)") + "v" + version;
  }
}
