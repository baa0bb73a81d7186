package io.zk2zk.config;

/** Where and how the runtime and monitor logs are written. */
public record LogSettings(
    String level,
    String logPath,
    String monitorLogPath,
    int maxFileSizeMb,
    int maxBackup,
    boolean compress,
    boolean stdout) {}
