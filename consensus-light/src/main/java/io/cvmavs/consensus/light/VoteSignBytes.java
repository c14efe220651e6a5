package io.cvmavs.consensus.light;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
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

  /**
   * The sign bytes of every precommit of one commit, built once per commit: precommits of a commit
   * differ only in their timestamp (field 5 of {@code CanonicalVote}), so the fields before it
   * (type, height, round, block id) and after it (chain id) are serialized once and each
   * signature's bytes are the length prefix, those two and its timestamp. Byte for byte what {@link
   * #precommit} builds (protobuf writes fields in number order).
   */
  public static final class Precommits {
    private static final int TIMESTAMP_TAG =
        CanonicalVote.TIMESTAMP_FIELD_NUMBER << 3 | 2; // length-delimited

    private final byte[] head;
    private final byte[] tail;

    public Precommits(String chainId, long height, int round, BlockID blockId) {
      head =
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
              .build()
              .toByteArray();
      tail = CanonicalVote.newBuilder().setChainId(chainId).build().toByteArray();
    }

    /** The bytes of the precommit voted at {@code time}. */
    public byte[] signBytes(Timestamp time) {
      int timeSize = time.getSerializedSize();
      int body =
          head.length
              + CodedOutputStream.computeUInt32SizeNoTag(TIMESTAMP_TAG)
              + CodedOutputStream.computeUInt32SizeNoTag(timeSize)
              + timeSize
              + tail.length;
      byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(body) + body];
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      try {
        o.writeUInt32NoTag(body);
        o.writeRawBytes(head);
        o.writeUInt32NoTag(TIMESTAMP_TAG);
        o.writeUInt32NoTag(timeSize);
        time.writeTo(o);
        o.writeRawBytes(tail);
        o.checkNoSpaceLeft();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
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
