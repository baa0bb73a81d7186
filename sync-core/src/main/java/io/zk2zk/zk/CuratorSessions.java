package io.zk2zk.zk;

import io.zk2zk.config.Credential;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.lifecycle.NamedThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.utils.ZookeeperCompatibility;
import org.apache.zookeeper.client.ZKClientConfig;

/** How a {@link ZkSide} configures its client and builds its Curator session. */
final class CuratorSessions {

  /** Responses such as a getChildren of 100k names exceed ZooKeeper's 1 MB client default. */
  private static final int CLIENT_JUTE_MAXBUFFER = 256 * 1024 * 1024;

  private CuratorSessions() {}

  /**
   * The client configuration of a side: the user's file when given (TLS, SASL), with a large enough
   * response limit for wide nodes unless the file sets one.
   */
  static ZKClientConfig clientConfig(SideSecurity security) throws StartupException {
    ZKClientConfig config;
    try {
      config =
          security.clientConfigFile() != null
              ? new ZKClientConfig(security.clientConfigFile())
              : new ZKClientConfig();
    } catch (Exception e) {
      throw new StartupException(
          "cannot load the client configuration "
              + security.clientConfigFile()
              + ": "
              + e.getMessage());
    }
    if (config.getProperty(ZKClientConfig.JUTE_MAXBUFFER) == null) {
      config.setProperty(ZKClientConfig.JUTE_MAXBUFFER, String.valueOf(CLIENT_JUTE_MAXBUFFER));
    }
    return config;
  }

  /**
   * A Curator session (not started) to {@code connect}, told whether the server has persistent
   * watches, since Curator's own detection only looks at the client.
   */
  static CuratorFramework build(
      String role,
      ConnectString connect,
      Duration session,
      SideSecurity security,
      ServerProbe.Capabilities capabilities)
      throws StartupException {
    List<AuthInfo> auth = new ArrayList<>();
    for (Credential c : security.credentials()) {
      auth.add(new AuthInfo(c.scheme(), c.secret()));
    }
    return CuratorFrameworkFactory.builder()
        .authorization(auth)
        .connectString(connect.toString())
        .sessionTimeoutMs((int) session.toMillis())
        .connectionTimeoutMs((int) Math.max(session.toMillis(), 5000))
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 5000, 1000))
        .ensembleTracker(false)
        .zkClientConfig(clientConfig(security))
        .zookeeperCompatibility(
            ZookeeperCompatibility.builder()
                .hasPersistentWatchers(capabilities.persistentWatches())
                .build())
        // daemon or not like the starting thread, as they have always been; close() ends them
        .threadFactory(NamedThreads.namedLikeCaller("zk2zk-curator-" + role))
        .build();
  }
}
