package io.zk2zk.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations and versions that the build hands to the end-to-end tests as system properties. */
public final class E2EConfig {

  /** ZooKeeper 3.4 server version (the oldest supported). */
  public static final String ZK34 = version("zk34", "3.4.14");

  /** ZooKeeper 3.5 server version. */
  public static final String ZK35 = version("zk35", "3.5.10");

  /** ZooKeeper 3.6 server version. */
  public static final String ZK36 = version("zk36", "3.6.4");

  /** ZooKeeper 3.7 server version. */
  public static final String ZK37 = version("zk37", "3.7.2");

  /** ZooKeeper 3.8 server version. */
  public static final String ZK38 = version("zk38", "3.8.4");

  /** ZooKeeper 3.9 server version (the newest supported). */
  public static final String ZK39 = version("zk39", "3.9.5");

  private E2EConfig() {}

  // The defaults are relative to the module directory, failsafe's working directory, so that a
  // test started from an IDE finds what the last `mvn verify` laid out.
  private static final String HINT =
      " (run `mvn -pl e2e-tests -am verify -Dit.test=...` once so the build lays it out)";

  /** The user-style install: {@code all_sync}, {@code t_sync} and {@code lib/}. */
  public static Path dist() {
    return Path.of(System.getProperty("zk2zk.dist", "target/dist")).toAbsolutePath();
  }

  /** Parent of one folder per ZooKeeper version, each a complete server classpath. */
  public static Path zkServers() {
    return Path.of(System.getProperty("zk2zk.zkServers", "target/zk-servers")).toAbsolutePath();
  }

  /** Where each test gets its own directory for server data, daemon working dirs and logs. */
  public static Path workDir() {
    return Path.of(System.getProperty("zk2zk.workDir", "target/e2e-work")).toAbsolutePath();
  }

  /** The classpath folder of one ZooKeeper server version; fails clearly when it is missing. */
  public static Path zkServerClasspath(String version) {
    Path dir = zkServers().resolve(version);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "no ZooKeeper server jars for " + version + " in " + dir + HINT);
    }
    return dir;
  }

  /** The launcher of one daemon in the dist folder, made executable if a copy lost the bit. */
  public static Path launcher(String name) {
    Path launcher = dist().resolve(name);
    Path jar = dist().resolve("lib").resolve(name.replace('_', '-') + ".jar");
    if (!Files.isRegularFile(launcher) || !Files.isRegularFile(jar)) {
      throw new IllegalStateException("missing " + launcher + " or " + jar + HINT);
    }
    if (!Files.isExecutable(launcher) && !launcher.toFile().setExecutable(true)) {
      throw new IllegalStateException("cannot make " + launcher + " executable");
    }
    return launcher;
  }

  private static String version(String key, String fallback) {
    return System.getProperty("zk2zk." + key + ".version", fallback);
  }
}
