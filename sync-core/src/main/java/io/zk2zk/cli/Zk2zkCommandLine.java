package io.zk2zk.cli;

import io.zk2zk.config.DaemonKind;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * Builds the command line of one executable, with injectable output so that tests can assert the
 * text and the exit code. Usage errors print one line naming the problem, then the usage, and exit
 * with {@link ExitCodes#USAGE}; anything else a command throws prints one line naming its cause
 * (the stack trace goes to the log) and exits with {@link ExitCodes#CANNOT_START}.
 */
public final class Zk2zkCommandLine {

  private Zk2zkCommandLine() {}

  /**
   * The top command ({@code all_sync} or {@code t_sync}); it holds {@code start} and {@code
   * verify}.
   */
  @Command(
      mixinStandardHelpOptions = true,
      versionProvider = BuildVersion.class,
      subcommandsRepeatable = false,
      usageHelpAutoWidth = true)
  static final class TopCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "missing command: start or verify");
    }
  }

  /** The version stamped into the jar by the build. */
  static final class BuildVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Zk2zkCommandLine.class.getPackage().getImplementationVersion();
      return new String[] {"zk2zk " + (v != null ? v : "(development build)")};
    }
  }

  public static CommandLine create(
      DaemonKind kind, DaemonRunner runner, PrintWriter out, PrintWriter err) {
    CommandLine top = new CommandLine(new TopCommand());
    top.setCommandName(kind.commandName());
    top.getCommandSpec().usageMessage().description(kind.description());
    CommandLine start = new CommandLine(new StartCommand(kind, runner));
    start.getCommandSpec().usageMessage().description(kind.description());
    start.setDefaultValueProvider(
        opt -> {
          if (opt instanceof CommandLine.Model.OptionSpec o) {
            if ("--logPath".equals(o.longestName())) {
              return kind.defaultLogPath();
            }
            if ("--monitorLogPath".equals(o.longestName())) {
              return kind.defaultMonitorLogPath();
            }
          }
          return null;
        });
    top.addSubcommand("start", start);
    CommandLine verify = new CommandLine(new VerifyCommand(kind));
    verify
        .getCommandSpec()
        .usageMessage()
        .description(
            "compare source and target once by "
                + kind.commandName()
                + "'s rules, writing nothing: exit 0 in sync, 3 not in sync");
    top.addSubcommand("verify", verify);
    top.setOut(out);
    top.setErr(err);
    top.setCaseInsensitiveEnumValuesAllowed(true);
    top.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          PrintWriter e = cmd.getErr();
          e.println(kind.commandName() + ": " + ex.getMessage());
          cmd.usage(e);
          e.flush();
          return ExitCodes.USAGE;
        });
    top.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          String cause = cause(ex, cmd.getCommandName());
          // the stack trace is for whoever debugs it, so it goes to the log, not to the terminal
          // (verify's log is stderr, where it then precedes the one line); the logger is looked
          // up here so that help and usage errors never initialise logging
          LoggerFactory.getLogger(Zk2zkCommandLine.class)
              .error("{} {} failed", kind.commandName(), cmd.getCommandName(), ex);
          PrintWriter e = cmd.getErr();
          e.println(kind.commandName() + ": " + cause);
          e.flush();
          return ExitCodes.CANNOT_START;
        });
    return top;
  }

  /**
   * One line naming what went wrong, without class names: the first message in the exception's
   * cause chain that says something of its own, else a plain description that says where the stack
   * trace went. A message that is only its cause's {@code toString()} (what {@code new
   * RuntimeException(cause)} makes) is skipped, since it starts with a class name.
   */
  static String cause(Throwable ex, String command) {
    int hops = 0;
    // bounded: a cause chain can loop
    for (Throwable t = ex; t != null && hops < 16; t = t.getCause(), hops++) {
      String m = t.getMessage();
      if (m != null
          && !m.isBlank()
          && (t.getCause() == null || !m.equals(t.getCause().toString()))) {
        return m;
      }
    }
    // verify writes no log file: its log lines go to stderr, just above this one
    return "verify".equals(command)
        ? "unexpected error (logged above)"
        : "unexpected error (see the runtime log)";
  }

  /**
   * The ZooKeeper client refuses to decode any single field (a node's data, a child name) larger
   * than the JVM-wide {@code jute.maxbuffer} property (1 MB by default), and drops the connection
   * when a source holds one: every read of that batch would fail forever. Responses are bounded by
   * the servers anyway, so the daemons raise it unless the user set it ({@code JAVA_OPTS}).
   */
  static final String CLIENT_JUTE_MAXBUFFER = String.valueOf(256 * 1024 * 1024);

  /** Parses and runs; returns the exit code. */
  public static int run(DaemonKind kind, String[] args) {
    // before any ZooKeeper class is loaded: the client reads the property once
    if (System.getProperty("jute.maxbuffer") == null) {
      System.setProperty("jute.maxbuffer", CLIENT_JUTE_MAXBUFFER);
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    return create(kind, new DaemonMain(), out, err).execute(args);
  }
}
