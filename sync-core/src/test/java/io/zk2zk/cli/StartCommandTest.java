package io.zk2zk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SyncConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The {@code start} command line of docs/cli-and-logs.md: flags, defaults, exit codes and help
 * text.
 */
class StartCommandTest {

  /** The spec's flag table, exactly (case included). */
  static final List<String> SPEC_FLAGS =
      List.of(
          "--srcAddr",
          "--dstAddr",
          "--srcSession",
          "--dstSession",
          "--path",
          "--tunnelLength",
          "--workerNum",
          "--workerBufferSize",
          "--workerRetryCnt",
          "--watcherCompareConcurrency",
          "--watcherReWatchConcurrency",
          "--zkEventBuffer",
          "--zkEventWorkerLimit",
          "--syncCompareConcurrency",
          "--syncSearchConcurrency",
          "--syncDailyInterval",
          "--logLevel",
          "--logPath",
          "--monitorLogPath",
          "--logMaxFileSize",
          "--logMaxBackup",
          "--LogCompress",
          "--logEnableStdout");

  /** The flags whose default is "(auto)" in the spec. */
  static final List<String> AUTO_FLAGS =
      List.of(
          "--workerNum",
          "--workerBufferSize",
          "--workerRetryCnt",
          "--watcherCompareConcurrency",
          "--watcherReWatchConcurrency",
          "--zkEventBuffer",
          "--zkEventWorkerLimit",
          "--syncCompareConcurrency",
          "--syncSearchConcurrency");

  /** What one invocation produced; the runner stands in for the daemon, no ZooKeeper involved. */
  record Run(int exit, String out, String err, SyncConfig config, int runnerCalls) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Run run(DaemonKind kind, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AtomicReference<SyncConfig> seen = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    DaemonRunner runner =
        (config, e) -> {
          seen.set(config);
          calls.incrementAndGet();
          return ExitCodes.OK;
        };
    int exit =
        Zk2zkCommandLine.create(
                kind, runner, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString(), seen.get(), calls.get());
  }

  static Run allSync(String... args) {
    return run(DaemonKind.ALL_SYNC, args);
  }

  static String[] start(String... more) {
    List<String> args = new ArrayList<>(List.of("start", "--srcAddr", "a:1", "--dstAddr", "b:2"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void minimalStartUsesTheSpecDefaults() {
    Run r = allSync("start", "--srcAddr", "a:1", "--dstAddr", "b:2");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.runnerCalls()).isEqualTo(1);
    SyncConfig c = r.config();
    assertThat(c.kind()).isEqualTo(DaemonKind.ALL_SYNC);
    assertThat(c.sourceConnect()).isEqualTo("a:1");
    assertThat(c.targetConnect()).isEqualTo("b:2");
    assertThat(c.sourceSession()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.targetSession()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.path()).isEqualTo("/");
    assertThat(c.reconcileInterval()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.logs().logPath()).isEqualTo("./runtime/all_sync.log");
    assertThat(c.logs().monitorLogPath()).isEqualTo("./monitor/all_sync.log");
    assertThat(c.logs().maxFileSizeMb()).isEqualTo(30);
    assertThat(c.logs().maxBackup()).isEqualTo(30);
    assertThat(c.logs().compress()).isFalse();
    assertThat(c.logs().stdout()).isTrue();
    assertThat(c.logs().level()).isEqualTo("info");
    assertThat(c.tuning().passReadRate()).isEqualTo(5_000);
  }

  @Test
  void passReadRateZeroLiftsThePace() {
    Run r = allSync("start", "--srcAddr", "a:1", "--dstAddr", "b:2", "--passReadRate", "0");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().tuning().passReadRate()).isZero();
  }

  @Test
  void tSyncDefaultsToItsOwnLogPaths() {
    Run r = run(DaemonKind.T_SYNC, start());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().kind()).isEqualTo(DaemonKind.T_SYNC);
    assertThat(r.config().logs().logPath()).isEqualTo("./runtime/t_sync.log");
    assertThat(r.config().logs().monitorLogPath()).isEqualTo("./monitor/t_sync.log");
  }

  @Test
  void repeatedAddressesFormOneConnectString() {
    Run r = allSync("start", "--srcAddr", "a:1", "--srcAddr", "b:2,c:3", "--dstAddr", "d:4");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.config().sourceConnect()).isEqualTo("a:1,b:2,c:3");
    assertThat(r.config().targetConnect()).isEqualTo("d:4");
  }

  @Test
  void booleanFlagsAcceptBareTrueAndFalse() {
    assertThat(allSync(start("--LogCompress")).config().logs().compress()).isTrue();
    assertThat(allSync(start("--LogCompress=true")).config().logs().compress()).isTrue();
    assertThat(allSync(start("--LogCompress=false")).config().logs().compress()).isFalse();
    assertThat(allSync(start("--logEnableStdout=false")).config().logs().stdout()).isFalse();
    assertThat(allSync(start("--logEnableStdout=true")).config().logs().stdout()).isTrue();
    assertThat(allSync(start("--logEnableStdout")).config().logs().stdout()).isTrue();
    // a bare boolean followed by another flag must not swallow it
    Run r = allSync(start("--LogCompress", "--logEnableStdout=false"));
    assertThat(r.config().logs().compress()).isTrue();
    assertThat(r.config().logs().stdout()).isFalse();
  }

  @Test
  void everySpecFlagParses() {
    Run r =
        allSync(
            start(
                "--srcSession",
                "11",
                "--dstSession",
                "12",
                "--path",
                "/p/q",
                "--tunnelLength",
                "5",
                "--workerNum",
                "3",
                "--workerBufferSize",
                "7",
                "--workerRetryCnt",
                "2",
                "--watcherCompareConcurrency",
                "9",
                "--watcherReWatchConcurrency",
                "4",
                "--zkEventBuffer",
                "8",
                "--zkEventWorkerLimit",
                "6",
                "--syncCompareConcurrency",
                "13",
                "--syncSearchConcurrency",
                "14",
                "--syncDailyInterval",
                "60",
                "--logLevel",
                "debug",
                "--logPath",
                "/var/log/zk2zk/r.log",
                "--monitorLogPath",
                "/var/log/zk2zk/m.log",
                "--logMaxFileSize",
                "5",
                "--logMaxBackup",
                "3",
                "--LogCompress=true",
                "--logEnableStdout=false"));

    assertThat(r.exit()).as(r.err()).isZero();
    SyncConfig c = r.config();
    assertThat(c.sourceSession()).isEqualTo(Duration.ofSeconds(11));
    assertThat(c.targetSession()).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.path()).isEqualTo("/p/q");
    assertThat(c.tuning().workerNum()).isEqualTo(3);
    assertThat(c.tuning().workerBatch()).isEqualTo(7);
    assertThat(c.tuning().retryCount()).isEqualTo(2);
    assertThat(c.tuning().watchReadsInFlight()).isEqualTo(9);
    assertThat(c.tuning().reconcileBatch()).isEqualTo(13);
    assertThat(c.tuning().walkReadsInFlight()).isEqualTo(14);
    assertThat(c.reconcileInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.logs().level()).isEqualTo("debug");
    assertThat(c.logs().logPath()).isEqualTo("/var/log/zk2zk/r.log");
    assertThat(c.logs().monitorLogPath()).isEqualTo("/var/log/zk2zk/m.log");
    assertThat(c.logs().maxFileSizeMb()).isEqualTo(5);
    assertThat(c.logs().maxBackup()).isEqualTo(3);
    assertThat(c.logs().compress()).isTrue();
    assertThat(c.logs().stdout()).isFalse();
  }

  @ParameterizedTest(name = "{0} parses")
  @ValueSource(
      strings = {
        "--srcSession=10",
        "--dstSession=10",
        "--path=/",
        "--tunnelLength=100",
        "--workerNum=1",
        "--workerBufferSize=1",
        "--workerRetryCnt=1",
        "--watcherCompareConcurrency=1",
        "--watcherReWatchConcurrency=1",
        "--zkEventBuffer=1",
        "--zkEventWorkerLimit=1",
        "--syncCompareConcurrency=1",
        "--syncSearchConcurrency=1",
        "--syncDailyInterval=1",
        "--logLevel=warn",
        "--logLevel=error",
        "--logPath=x.log",
        "--monitorLogPath=y.log",
        "--logMaxFileSize=1",
        "--logMaxBackup=1",
        "--LogCompress",
        "--logEnableStdout"
      })
  void eachSpecFlagParsesAlone(String flag) {
    Run r = allSync(start(flag));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.runnerCalls()).isEqualTo(1);
  }

  @Test
  void missingSrcAddrIsAUsageErrorNamingTheFlag() {
    Run r = allSync("start", "--dstAddr", "b:2");

    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.runnerCalls()).isZero();
    List<String> lines = r.errLines();
    assertThat(lines).hasSizeGreaterThan(2);
    // one line with the reason, then the usage
    assertThat(lines.get(0)).contains("--srcAddr").doesNotContain("--dstAddr");
    assertThat(lines.get(1)).startsWith("Usage:");
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void missingDstAddrIsAUsageError() {
    Run r = allSync("start", "--srcAddr", "a:1");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.errLines().get(0)).contains("--dstAddr");
  }

  @ParameterizedTest(name = "start {0} → exit 2")
  @ValueSource(
      strings = {
        "--nope",
        "--logCompress", // case-sensitive: the spec's flag is --LogCompress
        "--srcaddr=a:1",
        "--srcSession=abc",
        "--srcSession=0",
        "--dstSession=-1",
        "--syncDailyInterval=x",
        "--workerNum=0",
        "--path=foo",
        "--path=/foo/",
        "--path=/foo//bar",
        "--logLevel=verbose",
        "--LogCompress=maybe",
        "--srcAddr=c:notaport",
        "--passReadRate=-1"
      })
  void malformedCommandLinesExitTwo(String bad) {
    Run r = allSync(start(bad));

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.runnerCalls()).isZero();
    assertThat(r.errLines()).hasSizeGreaterThan(1);
    assertThat(r.errLines().get(1)).startsWith("Usage:");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void spaceSeparatedMalformedValuesExitTwo() {
    // the brief's exact spellings, with the value as a separate argument
    assertThat(allSync(start("--srcSession", "abc")).exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(allSync(start("--path", "foo")).exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(allSync(start("--path", "/foo/")).exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(allSync().exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(allSync("stop").exit()).isEqualTo(ExitCodes.USAGE);
  }

  @ParameterizedTest(name = "{0} start -h lists every spec flag")
  @EnumSource(DaemonKind.class)
  void startHelpListsEverySpecFlag(DaemonKind kind) {
    for (String h : List.of("-h", "--help")) {
      Run r = run(kind, "start", h);

      assertThat(r.exit()).isZero();
      assertThat(r.runnerCalls()).isZero();
      for (String flag : SPEC_FLAGS) {
        assertThat(r.out()).as(flag).containsPattern(flagPattern(flag));
      }
    }
  }

  @ParameterizedTest(name = "{0} start -h shows the default log paths readably at 80 columns")
  @EnumSource(DaemonKind.class)
  void startHelpShowsTheDefaultLogPathsUnbroken(DaemonKind kind) {
    // Width pinned to 80 (picocli's fallback without a terminal) so the result does not depend
    // on where the tests run. A wrapped line may break at a space, never inside the path.
    StringWriter out = new StringWriter();
    CommandLine cmd =
        Zk2zkCommandLine.create(
            kind, (c, e) -> 0, new PrintWriter(out, true), new PrintWriter(new StringWriter()));
    CommandLine startCmd = cmd.getSubcommands().get("start");
    startCmd.setUsageHelpAutoWidth(false);
    startCmd.setUsageHelpWidth(80);
    assertThat(cmd.execute("start", "-h")).isZero();

    assertThat(optionBlock(out.toString(), "--logPath")).contains(kind.defaultLogPath());
    assertThat(optionBlock(out.toString(), "--monitorLogPath"))
        .contains(kind.defaultMonitorLogPath());
  }

  @Test
  void startHelpSaysAutoForTheAutoKnobs() {
    String help = allSync("start", "-h").out();
    for (String flag : AUTO_FLAGS) {
      assertThat(optionBlock(help, flag)).as("help of %s", flag).contains("auto");
    }
  }

  @Test
  void topLevelHelpListsStart() {
    Run r = allSync("-h");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("(?m)^\\s+start\\b");
  }

  @Test
  void versionStartsWithZk2zk() {
    Run r = allSync("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("zk2zk");
  }

  /** The flag as an option name in the help, not as a prefix of a longer name. */
  private static Pattern flagPattern(String flag) {
    return Pattern.compile(
        "(^|[\\s,])" + Pattern.quote(flag) + "(?=[=\\[\\s]|$)", Pattern.MULTILINE);
  }

  /** The help text of one option: its first line and the wrapped description lines after it. */
  private static String optionBlock(String help, String flag) {
    List<String> lines = help.lines().toList();
    Pattern start = Pattern.compile("^\\s*(-\\w,\\s*)?" + Pattern.quote(flag) + "(?=[=\\[\\s]|$)");
    Pattern anyOption = Pattern.compile("^\\s*-");
    for (int i = 0; i < lines.size(); i++) {
      if (start.matcher(lines.get(i)).find()) {
        StringBuilder block = new StringBuilder(lines.get(i));
        for (int j = i + 1; j < lines.size() && !anyOption.matcher(lines.get(j)).find(); j++) {
          block.append(' ').append(lines.get(j).trim());
        }
        return block.toString();
      }
    }
    throw new AssertionError(flag + " not found in help:\n" + help);
  }
}
