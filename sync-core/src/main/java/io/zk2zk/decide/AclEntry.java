package io.zk2zk.decide;

/**
 * One ACL entry as data ({@code perms} is ZooKeeper's bit set: READ 1, WRITE 2, CREATE 4, DELETE 8,
 * ADMIN 16), so that the rules can compare ACLs without the ZooKeeper client.
 */
public record AclEntry(int perms, String scheme, String id) {

  /** All five permissions. */
  public static final int ALL = 31;
}
