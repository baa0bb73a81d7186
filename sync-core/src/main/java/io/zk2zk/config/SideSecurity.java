package io.zk2zk.config;

import java.util.List;

/**
 * How to talk to one ensemble securely.
 *
 * @param credentials added to the session ({@code addAuthInfo}), in order
 * @param clientConfigFile a ZooKeeper client configuration file (the standard {@code
 *     ZKClientConfig} properties: TLS via {@code zookeeper.client.secure} and {@code
 *     zookeeper.ssl.*}, SASL via JAAS), or {@code null}
 */
public record SideSecurity(List<Credential> credentials, String clientConfigFile) {

  /** No credentials, default client configuration. */
  public static final SideSecurity NONE = new SideSecurity(List.of(), null);
}
