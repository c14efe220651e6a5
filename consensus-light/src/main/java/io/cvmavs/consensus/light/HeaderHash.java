package io.cvmavs.consensus.light;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import java.util.List;

/**
 * CometBFT's block hash: the Merkle root over the header's 14 fields, each protobuf-encoded on its
 * own — the version and time as their messages, the last block id as {@code BlockID} (its part-set
 * header always present, as Go's non-nullable field encodes it), and the scalars and hashes wrapped
 * in {@code StringValue} / {@code Int64Value} / {@code BytesValue}.
 */
public final class HeaderHash {
  private HeaderHash() {}

  public static byte[] of(Header h) {
    BlockID lastBlockId =
        h.getLastBlockId().toBuilder()
            .setPartSetHeader(
                h.getLastBlockId().hasPartSetHeader()
                    ? h.getLastBlockId().getPartSetHeader()
                    : PartSetHeader.getDefaultInstance())
            .build();
    return Merkle.root(
        List.of(
            h.getVersion().toByteArray(),
            StringValue.of(h.getChainId()).toByteArray(),
            Int64Value.of(h.getHeight()).toByteArray(),
            h.getTime().toByteArray(),
            lastBlockId.toByteArray(),
            bytes(h.getLastCommitHash()),
            bytes(h.getDataHash()),
            bytes(h.getValidatorsHash()),
            bytes(h.getNextValidatorsHash()),
            bytes(h.getConsensusHash()),
            bytes(h.getAppHash()),
            bytes(h.getLastResultsHash()),
            bytes(h.getEvidenceHash()),
            bytes(h.getProposerAddress())));
  }

  private static byte[] bytes(ByteString value) {
    return BytesValue.of(value).toByteArray();
  }
}
