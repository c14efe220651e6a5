package io.cvmavs.storage.anchor;

import io.cvmavs.storage.group.GroupFormatException;
import io.cvmavs.storage.group.PreviousLocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-backend locators of an anchored group, as bytes in {@code AnchorRegistry}'s event and
 * hashed (keccak256) into its storage (docs/STORAGE.md "Anchors"): the same shape as a group
 * header's previous locators — {@code count u8 ‖ (nameLen u8 ‖ name ‖ locatorLen u16 ‖ locator)*},
 * sorted by backend name, one per backend, 1–16 entries.
 */
public final class AnchorLocators {
  public static final int MAX = 16;

  private AnchorLocators() {}

  public static byte[] encode(List<PreviousLocator> locators) {
    List<PreviousLocator> sorted = new ArrayList<>(locators);
    sorted.sort(Comparator.comparing(PreviousLocator::backend));
    if (sorted.isEmpty() || sorted.size() > MAX) {
      throw new IllegalArgumentException(
          "an anchor names 1-" + MAX + " locators, got " + sorted.size());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(sorted.size());
    String previous = null;
    for (PreviousLocator p : sorted) {
      if (p.backend().equals(previous)) {
        throw new IllegalArgumentException("two locators for backend '" + p.backend() + "'");
      }
      previous = p.backend();
      byte[] name = p.backend().getBytes(StandardCharsets.US_ASCII);
      byte[] loc = p.locator().getBytes(StandardCharsets.UTF_8);
      out.write(name.length);
      out.writeBytes(name);
      out.write(loc.length >>> 8);
      out.write(loc.length & 0xff);
      out.writeBytes(loc);
    }
    return out.toByteArray();
  }

  /** Decodes and checks (sorted, no repeats, no trailing bytes); errors name the byte offset. */
  public static List<PreviousLocator> decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new GroupFormatException("anchor locators are empty");
    }
    int n = bytes[0] & 0xff;
    if (n < 1 || n > MAX) {
      throw new GroupFormatException("anchor locators: count " + n + " is outside 1-" + MAX);
    }
    List<PreviousLocator> out = new ArrayList<>(n);
    int at = 1;
    for (int i = 0; i < n; i++) {
      int nameLen = u8(bytes, at);
      String name = text(bytes, at + 1, nameLen, StandardCharsets.US_ASCII);
      at += 1 + nameLen;
      int locLen = (u8(bytes, at) << 8) | u8(bytes, at + 1);
      String loc = text(bytes, at + 2, locLen, StandardCharsets.UTF_8);
      at += 2 + locLen;
      PreviousLocator p = new PreviousLocator(name, loc);
      if (!out.isEmpty() && out.getLast().backend().compareTo(name) >= 0) {
        throw new GroupFormatException(
            "anchor locators are not sorted by backend name: '"
                + out.getLast().backend()
                + "' before '"
                + name
                + "'");
      }
      out.add(p);
    }
    if (at != bytes.length) {
      throw new GroupFormatException(
          "anchor locators: " + (bytes.length - at) + " trailing bytes at offset " + at);
    }
    return List.copyOf(out);
  }

  private static int u8(byte[] b, int at) {
    if (at >= b.length) {
      throw new GroupFormatException("anchor locators are truncated at offset " + at);
    }
    return b[at] & 0xff;
  }

  private static String text(byte[] b, int at, int len, java.nio.charset.Charset cs) {
    if (at + len > b.length) {
      throw new GroupFormatException("anchor locators are truncated at offset " + b.length);
    }
    return new String(b, at, len, cs);
  }
}
