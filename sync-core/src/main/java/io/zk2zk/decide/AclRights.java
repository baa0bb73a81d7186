package io.zk2zk.decide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Whether an ACL leaves the daemon able to administer a node (read, write, create and delete
 * children, change the ACL), judged from the credentials it authenticates with. {@code ip}, SASL
 * and x509 entries cannot be judged from here and count as not granting; a super identity on the
 * server is invisible to clients, so the answer is a warning, never a refusal.
 */
public final class AclRights {

  private AclRights() {}

  /**
   * @param digestCredentials the daemon's {@code digest} credentials, each {@code user:password}
   */
  public static boolean grantsAll(List<AclEntry> acl, List<String> digestCredentials) {
    List<String> ids = new ArrayList<>();
    for (String c : digestCredentials) {
      ids.add(digestId(c));
    }
    int granted = 0;
    for (AclEntry e : acl) {
      boolean applies =
          ("world".equals(e.scheme()) && "anyone".equals(e.id()))
              || ("auth".equals(e.scheme()) && !ids.isEmpty())
              || ("digest".equals(e.scheme()) && ids.contains(e.id()));
      if (applies) {
        granted |= e.perms();
      }
    }
    return (granted & AclEntry.ALL) == AclEntry.ALL;
  }

  /**
   * The id a digest ACL holds for {@code user:password}: {@code user:base64(sha1(user:password))}.
   */
  public static String digestId(String userAndPassword) {
    int colon = userAndPassword.indexOf(':');
    String user = colon > 0 ? userAndPassword.substring(0, colon) : userAndPassword;
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA1")
              .digest(userAndPassword.getBytes(StandardCharsets.UTF_8));
      return user + ":" + Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is required by every Java platform", e);
    }
  }
}
