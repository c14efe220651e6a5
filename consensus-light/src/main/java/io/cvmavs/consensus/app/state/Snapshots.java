package io.cvmavs.consensus.app.state;

import io.cvmavs.consensus.app.model.AppException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * State-sync snapshots, format 1: every key/value of the app store at a committed height (the state
 * and its per-height records) serialised as {@code (int keyLength, key, int valueLength, value)*},
 * cut into chunks; {@code metadata} = the SHA-256 of each chunk in order, {@code hash} =
 * SHA-256(metadata). A chunk whose hash differs is refused; the restored state must hash to the app
 * hash CometBFT took from the light client.
 */
public final class Snapshots {
  public static final int FORMAT = 1;

  private Snapshots() {}

  /** One snapshot's chunks and its metadata. */
  public record Snapshot(long height, List<byte[]> chunks, byte[] metadata, byte[] hash) {}

  public static Snapshot make(long height, Map<byte[], byte[]> entries, int chunkBytes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
        out.writeInt(e.getKey().length);
        out.write(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] all = bytes.toByteArray();
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < all.length; i += chunkBytes) {
      chunks.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + chunkBytes)));
    }
    ByteArrayOutputStream meta = new ByteArrayOutputStream();
    chunks.forEach(c -> meta.writeBytes(sha256(c)));
    byte[] metadata = meta.toByteArray();
    return new Snapshot(height, chunks, metadata, sha256(metadata));
  }

  /** The key/values of the concatenated chunks. */
  public static Map<byte[], byte[]> entries(List<byte[]> chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.forEach(all::writeBytes);
    Map<byte[], byte[]> out = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all.toByteArray()))) {
      while (in.available() > 0) {
        byte[] k = readBlock(in);
        out.put(k, readBlock(in));
      }
    } catch (IOException e) {
      throw new AppException("snapshot chunks do not decode: " + e.getMessage(), e);
    }
    return out;
  }

  private static byte[] readBlock(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("entry length " + n + " beyond the data");
    }
    return in.readNBytes(n);
  }

  public static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
