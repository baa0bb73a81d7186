package io.zk2zk.decide;

/**
 * The rule that matched a {@link PathView} and the action it asks for; {@code conflict}, when not
 * null, says that a client changed the side that does not own the node, which the action undoes
 * (the monitor line's reason, see {@link Conflict}).
 */
public record Decision(String rule, Action action, String conflict) {

  public Decision(String rule, Action action) {
    this(rule, action, null);
  }

  public boolean writes() {
    return !(action instanceof Action.None)
        && !(action instanceof Action.Alarm)
        && !(action instanceof Action.Keep);
  }
}
