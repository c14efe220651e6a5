package io.cvmavs.consensus.light;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.CanonicalBlockID;
import io.cvmavs.consensus.proto.types.CanonicalPartSetHeader;
import io.cvmavs.consensus.proto.types.CanonicalVote;
import io.cvmavs.consensus.proto.types.CanonicalVoteExtension;
import io.cvmavs.consensus.proto.types.SignedMsgType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bytes a CometBFT v0.38 validator signs: the unsigned-varint-length-prefixed canonical
 * message. {@link CommitVerifier} checks precommits with these; the local consensus driver signs
 * with them.
 */
public final class VoteSignBytes {
  private VoteSignBytes() {}

  /** A precommit for {@code blockId} at {@code height}/{@code round}, voted at {@code time}. */
  public static byte[] precommit(
      String chainId, long height, int round, BlockID blockId, Timestamp time) {
    CanonicalVote vote =
        CanonicalVote.newBuilder()
            .setType(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT)
            .setHeight(height)
            .setRound(round)
            .setBlockId(
                CanonicalBlockID.newBuilder()
                    .setHash(blockId.getHash())
                    .setPartSetHeader(
                        CanonicalPartSetHeader.newBuilder()
                            .setTotal(blockId.getPartSetHeader().getTotal())
                            .setHash(blockId.getPartSetHeader().getHash())))
            .setTimestamp(time)
            .setChainId(chainId)
            .build();
    return delimited(vote);
  }

  /** A precommit's vote extension ({@code CanonicalVoteExtension}). */
  public static byte[] voteExtension(String chainId, long height, int round, ByteString extension) {
    return delimited(
        CanonicalVoteExtension.newBuilder()
            .setExtension(extension)
            .setHeight(height)
            .setRound(round)
            .setChainId(chainId)
            .build());
  }

  private static byte[] delimited(MessageLite m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(m.getSerializedSize() + 2);
    try {
      m.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
