package io.cvmavs.cvm.udf;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed ABIs of one UDF instance: each ABI text is parsed once; one that does not parse is
 * remembered as empty (the UDF then answers NULL and counts the row). The last ABI asked for is
 * checked first by identity, since a manuscript passes the same literal on every row. Not
 * thread-safe (one per UDF instance, which Flink calls from one task thread).
 */
final class AbiCodecCache {
  private final Map<String, Optional<AbiCodec>> codecs = new HashMap<>();
  private String lastAbi;
  private Optional<AbiCodec> lastCodec;

  Optional<AbiCodec> get(String abi) {
    if (abi == lastAbi) {
      return lastCodec;
    }
    Optional<AbiCodec> codec =
        codecs.computeIfAbsent(
            abi,
            a -> {
              try {
                return Optional.of(new AbiCodec(a));
              } catch (RuntimeException e) {
                return Optional.empty();
              }
            });
    lastAbi = abi;
    lastCodec = codec;
    return codec;
  }
}
