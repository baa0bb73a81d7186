package io.zk2zk.config;

/** Which of the two daemons runs: its name, its rules' direction, its default log paths. */
public enum DaemonKind {
  ALL_SYNC("all_sync", "start and synchronize nodes from source to target"),
  T_SYNC("t_sync", "start and synchronize ephemeral nodes from target back to source");

  private final String commandName;
  private final String description;

  DaemonKind(String commandName, String description) {
    this.commandName = commandName;
    this.description = description;
  }

  public String commandName() {
    return commandName;
  }

  public String description() {
    return description;
  }

  public String defaultLogPath() {
    return "./runtime/" + commandName + ".log";
  }

  public String defaultMonitorLogPath() {
    return "./monitor/" + commandName + ".log";
  }
}
