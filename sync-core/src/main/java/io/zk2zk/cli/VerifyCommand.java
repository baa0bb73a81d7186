package io.zk2zk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.zk2zk.audit.ConsoleLogSetup;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.Tuning;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.verify.ReportText;
import io.zk2zk.verify.TreeVerifier;
import io.zk2zk.verify.VerifyOptions;
import io.zk2zk.verify.VerifyReport;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.StartupException;
import io.zk2zk.zk.ZkSide;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: compares the two ensembles once by this daemon's rules and writes nothing. Exit 0
 * in sync, 3 not in sync, 1 when a side cannot be read, 2 for a usage error.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = true,
    usageHelpAutoWidth = true)
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection = new ConnectionOptions();

  private final DaemonKind kind;

  @Option(
      names = "--json",
      description = "print the report as JSON instead of text (default: ${DEFAULT-VALUE})")
  boolean json;

  @Option(
      names = "--maxDiffs",
      defaultValue = "20",
      paramLabel = "N",
      description = "differences listed in the report; all are counted (default: ${DEFAULT-VALUE})")
  int maxDiffs;

  @Option(
      names = "--recheck",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "times the differing paths are read again before they count, so that changes a running"
              + " daemon is still copying are not reported; 0 reports the first reading"
              + " (default: ${DEFAULT-VALUE})")
  int recheck;

  @Option(
      names = "--recheckInterval",
      defaultValue = "2",
      paramLabel = "SECONDS",
      description = "wait before each re-check (default: ${DEFAULT-VALUE})")
  int recheckInterval;

  @Option(
      names = "--copyAcl",
      arity = "0..1",
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "compare ACLs too, as a daemon started with --copyAcl does (default: ${DEFAULT-VALUE})")
  boolean copyAcl;

  VerifyCommand(DaemonKind kind) {
    this.kind = kind;
  }

  @Override
  public Integer call() throws InterruptedException {
    check(maxDiffs >= 0, "--maxDiffs must not be negative: " + maxDiffs);
    check(recheck >= 0, "--recheck must not be negative: " + recheck);
    check(recheckInterval > 0, "--recheckInterval must be a positive number: " + recheckInterval);
    ConnectString src = connection.source();
    ConnectString dst = connection.target();
    Duration srcSession = connection.sourceSession();
    Duration dstSession = connection.targetSession();
    Duration wait = connection.startTimeout();
    SyncScope scope = new SyncScope(connection.path());
    VerifyOptions options =
        new VerifyOptions(
            maxDiffs,
            recheck,
            Duration.ofSeconds(recheckInterval),
            Tuning.AUTO_RECONCILE_BATCH,
            copyAcl,
            VerifyOptions.RECHECK_LIMIT);
    ConsoleLogSetup.configure();
    PrintWriter err = spec.commandLine().getErr();
    if (src.sharesServerWith(dst)) {
      return cannotVerify(err, "source " + src + " and target " + dst + " name the same server");
    }
    try (ZkSide source =
            new ZkSide(
                "source", src, srcSession, Tuning.AUTO_WALK_READS, connection.sourceSecurity());
        ZkSide target =
            new ZkSide(
                "target", dst, dstSession, Tuning.AUTO_WALK_READS, connection.targetSecurity())) {
      try {
        source.start(wait);
        target.start(wait);
      } catch (StartupException e) {
        return cannotVerify(err, e.getMessage());
      }
      VerifyReport report;
      try {
        report =
            new TreeVerifier(
                    source, target, kind.recordsOnTarget() ? target : source, kind, scope, options)
                .run(kind.commandName() + " verify");
      } catch (SideUnavailableException e) {
        return cannotVerify(err, e.getMessage() + " (source " + src + ", target " + dst + ")");
      }
      print(report, spec.commandLine().getOut());
      return report.inSync() ? ExitCodes.OK : ExitCodes.NOT_IN_SYNC;
    }
  }

  private void print(VerifyReport report, PrintWriter out) {
    if (json) {
      try {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot write the report as JSON", e);
      }
    } else {
      ReportText.lines(report).forEach(out::println);
    }
    out.flush();
  }

  private int cannotVerify(PrintWriter err, String why) {
    err.println(kind.commandName() + " verify: cannot verify: " + why);
    err.flush();
    return ExitCodes.CANNOT_START;
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
