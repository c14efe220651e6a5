package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-commit sign-bytes template gives exactly the bytes of the full {@code CanonicalVote}. */
class VoteSignBytesTest {
  @Test
  void theTemplateBuildsTheSameBytesAsTheCanonicalVote() {
    Random r = new Random(17);
    String[] chains = {"", "c", "cvm-devnet-1", "x".repeat(50)};
    long[] heights = {0, 1, 127, 128, 1L << 40, Long.MAX_VALUE};
    int[] rounds = {0, 1, 300, Integer.MAX_VALUE};
    for (int i = 0; i < 400; i++) {
      byte[] hash = new byte[r.nextInt(3) == 0 ? 0 : 32];
      r.nextBytes(hash);
      byte[] partsHash = new byte[r.nextBoolean() ? 0 : 32];
      r.nextBytes(partsHash);
      BlockID id =
          BlockID.newBuilder()
              .setHash(ByteString.copyFrom(hash))
              .setPartSetHeader(
                  PartSetHeader.newBuilder()
                      .setTotal(r.nextInt(3) == 0 ? 0 : r.nextInt(1 << 20))
                      .setHash(ByteString.copyFrom(partsHash)))
              .build();
      String chain = chains[i % chains.length];
      long height = heights[r.nextInt(heights.length)];
      int round = rounds[r.nextInt(rounds.length)];
      VoteSignBytes.Precommits template = new VoteSignBytes.Precommits(chain, height, round, id);
      for (int j = 0; j < 5; j++) {
        Timestamp t =
            j == 0
                ? Timestamp.getDefaultInstance()
                : Timestamp.newBuilder()
                    .setSeconds(r.nextLong(0, 253402300799L))
                    .setNanos(j == 1 ? 0 : r.nextInt(1_000_000_000))
                    .build();
        assertThat(template.signBytes(t))
            .as("chain '%s' height %d round %d time %s", chain, height, round, t)
            .isEqualTo(VoteSignBytes.precommit(chain, height, round, id, t));
      }
    }
  }
}
