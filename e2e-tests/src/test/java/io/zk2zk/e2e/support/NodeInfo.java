package io.zk2zk.e2e.support;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a client can see of a node that zk2zk must copy: its data (where {@code null} and empty are
 * different values) and whether it is ephemeral.
 */
public record NodeInfo(byte[] data, boolean ephemeral) {

  /** Compares data byte for byte, {@code null} only equal to {@code null}. */
  public boolean sameData(NodeInfo other) {
    return Arrays.equals(data, other.data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeInfo other && ephemeral == other.ephemeral && sameData(other);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(data) + Boolean.hashCode(ephemeral);
  }

  @Override
  public String toString() {
    return (ephemeral ? "E " : "P ") + describe(data);
  }

  /** {@code null}, a quoted UTF-8 string when the bytes are valid text, else hex. */
  public static String describe(byte[] data) {
    if (data == null) {
      return "null";
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString();
      if (text.chars().noneMatch(Character::isISOControl)) {
        return "\"" + abbreviate(text) + "\"";
      }
    } catch (CharacterCodingException e) {
      // not text: fall through to hex
    }
    return "0x" + abbreviate(HexFormat.of().formatHex(data)) + " (" + data.length + " bytes)";
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
