package io.zk2zk.decide;

/**
 * Everything a rule needs about one path: its state on this daemon's source and target, and whether
 * a {@code /zk2zk_migration} record names it (records always live on the global T).
 */
public record PathView(String path, NodeState source, NodeState target, boolean recorded) {}
