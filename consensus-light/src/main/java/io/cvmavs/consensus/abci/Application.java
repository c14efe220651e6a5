package io.cvmavs.consensus.abci;

import io.cvmavs.consensus.proto.abci.RequestApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestCheckTx;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestExtendVote;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInfo;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.RequestListSnapshots;
import io.cvmavs.consensus.proto.abci.RequestLoadSnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestOfferSnapshot;
import io.cvmavs.consensus.proto.abci.RequestPrepareProposal;
import io.cvmavs.consensus.proto.abci.RequestProcessProposal;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.RequestVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.ResponseApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseCommit;
import io.cvmavs.consensus.proto.abci.ResponseExtendVote;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseInfo;
import io.cvmavs.consensus.proto.abci.ResponseInitChain;
import io.cvmavs.consensus.proto.abci.ResponseListSnapshots;
import io.cvmavs.consensus.proto.abci.ResponseLoadSnapshotChunk;
import io.cvmavs.consensus.proto.abci.ResponseOfferSnapshot;
import io.cvmavs.consensus.proto.abci.ResponsePrepareProposal;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal;
import io.cvmavs.consensus.proto.abci.ResponseQuery;
import io.cvmavs.consensus.proto.abci.ResponseVerifyVoteExtension;

/**
 * An ABCI 2.0 (CometBFT v0.38) application: every method CometBFT calls, except {@code Echo} and
 * {@code Flush}, which the server answers itself. The server calls one method at a time (one lock
 * across its connections), in the order the requests arrived on each connection. A method that
 * throws is answered with {@code ResponseException}; the application must leave its state unchanged
 * when it throws.
 */
public interface Application {
  /**
   * Handshake: the last committed height and app hash, so CometBFT replays what the app is missing.
   */
  ResponseInfo info(RequestInfo request);

  ResponseInitChain initChain(RequestInitChain request);

  /** Mempool connection: admit a transaction (new or re-checked after a block). */
  ResponseCheckTx checkTx(RequestCheckTx request);

  /** Query connection: read committed state. */
  ResponseQuery query(RequestQuery request);

  /** At the proposer: choose the block's transactions. */
  ResponsePrepareProposal prepareProposal(RequestPrepareProposal request);

  /** At every validator: accept or reject a proposed block. */
  ResponseProcessProposal processProposal(RequestProcessProposal request);

  /** Data attached to this validator's precommit for the block. */
  ResponseExtendVote extendVote(RequestExtendVote request);

  /** Checks another validator's vote extension. */
  ResponseVerifyVoteExtension verifyVoteExtension(RequestVerifyVoteExtension request);

  /**
   * Executes a decided block: transaction results, validator updates (applied at H+2), the app
   * hash.
   */
  ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request);

  /** Persists the state FinalizeBlock produced. */
  ResponseCommit commit(RequestCommit request);

  ResponseListSnapshots listSnapshots(RequestListSnapshots request);

  ResponseOfferSnapshot offerSnapshot(RequestOfferSnapshot request);

  ResponseLoadSnapshotChunk loadSnapshotChunk(RequestLoadSnapshotChunk request);

  ResponseApplySnapshotChunk applySnapshotChunk(RequestApplySnapshotChunk request);
}
