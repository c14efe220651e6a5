package io.cvmavs.cvm.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The API keys that may write to the CVM server. Only SHA-256 digests are kept; a presented key is
 * hashed and compared with every digest in constant time ({@link MessageDigest#isEqual}), without
 * stopping at the first match, so timing says nothing about which bytes matched. Keys are never
 * logged or printed: {@link #toString()} shows only how many there are.
 */
public final class ApiKeys {
  private final List<byte[]> digests;

  private ApiKeys(List<byte[]> digests) {
    this.digests = digests;
  }

  /** Keys as given (blank entries ignored); an empty list means the server takes no writes. */
  public static ApiKeys of(List<String> keys) {
    return new ApiKeys(
        keys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::sha256).toList());
  }

  public static ApiKeys none() {
    return new ApiKeys(List.of());
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /** The index of the matching key (an identity for rate limiting that is not the key), if any. */
  public Optional<Integer> match(String presented) {
    byte[] d = sha256(presented);
    int found = -1;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(digests.get(i), d) && found < 0) {
        found = i;
      }
    }
    return found < 0 ? Optional.empty() : Optional.of(found);
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeys[" + digests.size() + " keys]";
  }
}
