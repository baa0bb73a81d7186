package io.zk2zk.cli;

import io.zk2zk.config.Credential;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.zk.ConnectString;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The flags that say which two ensembles and which subtree a command works on, shared by {@code
 * start} and {@code verify}; each getter validates its flag and reports a usage error.
 */
public final class ConnectionOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--srcAddr",
      required = true,
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "the zookeeper address of this daemon's source (repeatable), required option")
  List<String> srcAddr;

  @Option(
      names = "--dstAddr",
      required = true,
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "the zookeeper address of this daemon's target (repeatable), required option")
  List<String> dstAddr;

  @Option(
      names = "--srcSession",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "session timeout towards the source, seconds (default: ${DEFAULT-VALUE})")
  int srcSession;

  @Option(
      names = "--dstSession",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "session timeout towards the target, seconds (default: ${DEFAULT-VALUE})")
  int dstSession;

  @Option(
      names = "--path",
      defaultValue = "/",
      description = "the root path of the synchronized subtree (default: ${DEFAULT-VALUE})")
  String path;

  @Option(
      names = "--startTimeout",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description =
          "how long to wait for each ensemble at start before exiting with code 1"
              + " (default: ${DEFAULT-VALUE})")
  int startTimeout;

  @Option(
      names = "--srcAuth",
      paramLabel = "SCHEME:CREDENTIALS|@FILE|env:VAR",
      description =
          "credentials for the source session (repeatable), e.g. digest:user:password. To keep"
              + " secrets off the command line, give @FILE (one scheme:credentials per line) or"
              + " env:VAR (read from that environment variable). Never logged")
  List<String> srcAuth = List.of();

  @Option(
      names = "--dstAuth",
      paramLabel = "SCHEME:CREDENTIALS|@FILE|env:VAR",
      description = "credentials for the target session (repeatable); same forms as --srcAuth")
  List<String> dstAuth = List.of();

  @Option(
      names = "--srcClientConfig",
      paramLabel = "FILE",
      description =
          "ZooKeeper client configuration for the source (ZKClientConfig properties: TLS with"
              + " zookeeper.client.secure=true and zookeeper.ssl.*, SASL with"
              + " zookeeper.sasl.client and a JAAS file)")
  String srcClientConfig;

  @Option(
      names = "--dstClientConfig",
      paramLabel = "FILE",
      description = "ZooKeeper client configuration for the target; see --srcClientConfig")
  String dstClientConfig;

  /** This daemon's source. */
  public ConnectString source() {
    return connect("--srcAddr", srcAddr);
  }

  /** This daemon's target. */
  public ConnectString target() {
    return connect("--dstAddr", dstAddr);
  }

  public Duration sourceSession() {
    positive("--srcSession", srcSession);
    return Duration.ofSeconds(srcSession);
  }

  public Duration targetSession() {
    positive("--dstSession", dstSession);
    return Duration.ofSeconds(dstSession);
  }

  public Duration startTimeout() {
    positive("--startTimeout", startTimeout);
    return Duration.ofSeconds(startTimeout);
  }

  /** The root of the synced subtree, checked to be a plain absolute path. */
  public String path() {
    check(path.startsWith("/"), "--path must start with '/': " + path);
    check("/".equals(path) || !path.endsWith("/"), "--path must not end with '/': " + path);
    check(!path.contains("//"), "--path must not contain '//': " + path);
    return path;
  }

  public SideSecurity sourceSecurity() {
    return new SideSecurity(
        credentials("--srcAuth", srcAuth), clientConfig("--srcClientConfig", srcClientConfig));
  }

  public SideSecurity targetSecurity() {
    return new SideSecurity(
        credentials("--dstAuth", dstAuth), clientConfig("--dstClientConfig", dstClientConfig));
  }

  /** Resolves credential values; error messages name the source of a secret, never the secret. */
  private List<Credential> credentials(String flag, List<String> values) {
    List<Credential> out = new java.util.ArrayList<>();
    for (String v : values) {
      List<String> lines;
      String origin;
      if (v.startsWith("@")) {
        origin = "file " + v.substring(1);
        try {
          lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(v.substring(1)));
        } catch (java.io.IOException | RuntimeException e) {
          throw new ParameterException(spec.commandLine(), flag + ": cannot read " + origin);
        }
      } else if (v.startsWith("env:")) {
        origin = "environment variable " + v.substring(4);
        String value = System.getenv(v.substring(4));
        if (value == null) {
          throw new ParameterException(spec.commandLine(), flag + ": " + origin + " is not set");
        }
        lines = List.of(value);
      } else {
        origin = "the command line";
        lines = List.of(v);
      }
      for (String line : lines) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          out.add(Credential.parse(line.trim()));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(
              spec.commandLine(),
              flag + ": malformed credentials from " + origin + ": " + e.getMessage());
        }
      }
    }
    return List.copyOf(out);
  }

  private String clientConfig(String flag, String file) {
    if (file != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
      throw new ParameterException(spec.commandLine(), flag + ": cannot read " + file);
    }
    return file;
  }

  private ConnectString connect(String flag, List<String> values) {
    try {
      return ConnectString.parse(values);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }

  private void positive(String flag, int value) {
    check(value > 0, flag + " must be a positive number: " + value);
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
