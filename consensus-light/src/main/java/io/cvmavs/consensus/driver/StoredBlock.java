package io.cvmavs.consensus.driver;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.Header;
import java.util.List;

/**
 * A decided block as the driver keeps it: the header, its id, the transactions, the commit it
 * carries for the previous height, the commit that decided it (CometBFT's "seen commit"), the
 * validator sets that signed it and sign the next height (with their proposer priorities), and the
 * {@code FinalizeBlock} request (replayed to a validator that missed it) and response.
 */
public record StoredBlock(
    Header header,
    BlockID blockId,
    List<ByteString> txs,
    Commit lastCommit,
    Commit commit,
    ProposerPriorities validators,
    ProposerPriorities nextValidators,
    RequestFinalizeBlock finalizeRequest,
    ResponseFinalizeBlock finalizeResponse) {
  public StoredBlock {
    txs = List.copyOf(txs);
  }

  public long height() {
    return header.getHeight();
  }
}
