package io.zk2zk.decide;

/** The rule that matched a {@link PathView} and the action it asks for. */
public record Decision(String rule, Action action) {

  public boolean writes() {
    return !(action instanceof Action.None)
        && !(action instanceof Action.Alarm)
        && !(action instanceof Action.Keep);
  }
}
