package io.zk2zk.audit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import io.zk2zk.config.LogSettings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the command line: the runtime log (file, optionally stdout) and the
 * monitor log (file only), each rotated by size, keeping at most {@code logMaxBackup} rotated
 * files' worth of data, optionally gzipped. The layout is a Logback file (built in, or the one
 * named by {@code -Dzk2zk.logConfig}) that reads the flags' values as {@code ${zk2zk.*}} variables,
 * so operators can change the layout without losing the flags.
 */
public final class LogSetup {

  /** System property naming a Logback file to use instead of the built-in one. */
  public static final String CONFIG_PROPERTY = "zk2zk.logConfig";

  static final String BUILT_IN = "zk2zk-logback.xml";

  private LogSetup() {}

  /**
   * Replaces any earlier configuration.
   *
   * @throws IllegalArgumentException naming the file and the first error when the configuration
   *     cannot be read or applied
   */
  public static void configure(LogSettings s) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    // only this configuration's errors count
    ctx.getStatusManager().clear();
    variables(s).forEach(ctx::putProperty);
    String file = System.getProperty(CONFIG_PROPERTY);
    String origin = file != null ? file : "the built-in log configuration";
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(ctx);
    try (InputStream in = open(file)) {
      joran.doConfigure(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + origin + ": no such file", e);
    } catch (IOException | JoranException e) {
      throw new IllegalArgumentException("cannot read " + origin + ": " + e.getMessage(), e);
    }
    for (Status status : ctx.getStatusManager().getCopyOfStatusList()) {
      if (status.getLevel() == Status.ERROR) {
        throw new IllegalArgumentException(origin + ": " + status.getMessage());
      }
    }
  }

  private static InputStream open(String file) throws IOException {
    if (file != null) {
      return Files.newInputStream(Path.of(file));
    }
    URL builtIn = LogSetup.class.getResource(BUILT_IN);
    if (builtIn == null) {
      throw new IOException(BUILT_IN + " is missing from the jar");
    }
    return builtIn.openStream();
  }

  /** The {@code ${zk2zk.*}} variables the configuration file may use. */
  static Map<String, String> variables(LogSettings s) {
    Level level = Level.toLevel(s.level(), Level.INFO);
    boolean debug = level.levelInt <= Level.DEBUG_INT;
    long fileBytes = (long) s.maxFileSizeMb() * FileSize.MB_COEFFICIENT;
    Map<String, String> v = new LinkedHashMap<>();
    v.put("zk2zk.logLevel", level.levelStr);
    v.put("zk2zk.logPath", absolute(s.logPath()));
    v.put("zk2zk.logRollPattern", rollPattern(s.logPath(), s.compress()));
    v.put("zk2zk.monitorLogPath", absolute(s.monitorLogPath()));
    v.put("zk2zk.monitorRollPattern", rollPattern(s.monitorLogPath(), s.compress()));
    v.put("zk2zk.logMaxFileSize", String.valueOf(fileBytes));
    // keep at most logMaxBackup rotated files' worth of data, whatever their dates
    v.put("zk2zk.logTotalSizeCap", String.valueOf(fileBytes * Math.max(1, s.maxBackup())));
    v.put("zk2zk.stdoutThreshold", s.stdout() ? "TRACE" : "OFF");
    v.put("zk2zk.zookeeperLevel", debug ? "INFO" : "ERROR");
    v.put("zk2zk.curatorLevel", debug ? "INFO" : "OFF");
    return v;
  }

  private static String absolute(String path) {
    return new File(path).getAbsolutePath();
  }

  /** {@code dir/name.log} rotates to {@code dir/name.<date>.<n>.log[.gz]}. */
  private static String rollPattern(String path, boolean compress) {
    File file = new File(path).getAbsoluteFile();
    String name = file.getName();
    String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
    return new File(file.getParentFile(), base + ".%d{yyyy-MM-dd}.%i.log" + (compress ? ".gz" : ""))
        .getPath();
  }
}
