package io.zk2zk.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code zk2zk-demo.jar}: a live migration between two local ZooKeeper servers. */
@Command(
    name = "zk2zk-demo",
    mixinStandardHelpOptions = true,
    versionProvider = DemoMain.Version.class,
    description = {
      "Starts two ZooKeeper servers in this JVM (S, the old one, and T, the new one), seeds S with"
          + " a service registry, runs the packaged all_sync (S -> T) and t_sync (T -> S), waits"
          + " until T holds S's data, then moves clients from S to T and checks that every client"
          + " still sees everything. Exits 0 when every check passed."
    })
public final class DemoMain implements Callable<Integer> {

  /** Marks a work directory as the demo's own, so that wiping it never removes a user's files. */
  static final String MARKER = ".zk2zk-demo";

  @Option(
      names = "--launchers",
      required = true,
      paramLabel = "DIR",
      description =
          "directory with the all_sync and t_sync executables (after `make all`: the"
              + " repository root)")
  private Path launchers;

  @Option(
      names = "--work-dir",
      defaultValue = "demo-work",
      paramLabel = "DIR",
      description =
          "where servers, daemons and logs live; wiped at start (default: ${DEFAULT-VALUE})")
  private Path workDir;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "how long the first full sync may take (default: ${DEFAULT-VALUE})")
  private int timeoutSeconds;

  private volatile boolean finished;

  /** Runs the demo and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoMain()).execute(args));
  }

  @Override
  public Integer call() {
    Path allSync = launchers.resolve("all_sync").toAbsolutePath().normalize();
    Path tSync = launchers.resolve("t_sync").toAbsolutePath().normalize();
    for (Path launcher : new Path[] {allSync, tSync}) {
      if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
        Console.title(
            "zk2zk-demo: no executable "
                + launcher
                + " (run `make all` first, or point --launchers at the directory that has it)");
        return 2;
      }
    }
    Path work = workDir.toAbsolutePath().normalize();
    try {
      prepareWorkDir(work);
    } catch (IOException | DemoFailure e) {
      Console.title("zk2zk-demo: cannot prepare " + work + ": " + e.getMessage());
      return 2;
    }
    // Before the first logger exists: the server and client logs go to a file, not the console.
    System.setProperty("zk2zk.demo.log", work.resolve("demo.log").toString());
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.sasl.client", "false");
    Logger log = LoggerFactory.getLogger(DemoMain.class);

    Cleanup cleanup = new Cleanup();
    Thread hook =
        new Thread(
            () -> {
              if (!finished) {
                Console.beQuiet();
                Console.always("");
                Console.always("Interrupted: stopping the daemons and the servers ...");
              }
              cleanup.close();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      new DemoRun(allSync, tSync, work, timeoutSeconds, cleanup).run();
      return 0;
    } catch (DemoFailure e) {
      log.error("demo failed", e);
      Console.fail(e.getMessage());
      if (!Console.isQuiet()) {
        Console.title("");
        Console.title("Demo failed.");
      }
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } catch (Exception e) {
      log.error("demo failed", e);
      Console.fail(
          "unexpected error: "
              + e
              + " (details in "
              + Daemon.display(work.resolve("demo.log"))
              + ")");
      return 1;
    } finally {
      cleanup.close();
      finished = true;
    }
  }

  private static void prepareWorkDir(Path work) throws IOException {
    if (Files.isDirectory(work)) {
      boolean empty;
      try (Stream<Path> entries = Files.list(work)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.exists(work.resolve(MARKER))) {
        throw new DemoFailure("it is not empty and was not made by the demo; refusing to wipe it");
      }
      try (Stream<Path> tree = Files.walk(work)) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(work);
    Files.createFile(work.resolve(MARKER));
  }

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DemoMain.class.getPackage().getImplementationVersion();
      return new String[] {"zk2zk-demo " + (v == null ? "(development build)" : v)};
    }
  }
}
