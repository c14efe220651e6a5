package io.cvmavs.consensus.abci;

import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.Response;
import io.cvmavs.consensus.proto.abci.ResponseEcho;
import io.cvmavs.consensus.proto.abci.ResponseException;
import io.cvmavs.consensus.proto.abci.ResponseFlush;

/**
 * Maps one {@link Request} to the {@link Application} method it names and wraps the answer in a
 * {@link Response}.
 */
public final class Dispatcher {
  private Dispatcher() {}

  /**
   * The response to {@code request}.
   *
   * @throws IllegalArgumentException the request names no v0.38 method (an empty request, or a
   *     method number this protocol version does not have, such as v0.37's BeginBlock)
   */
  public static Response dispatch(Application app, Request request) {
    Response.Builder r = Response.newBuilder();
    switch (request.getValueCase()) {
      case ECHO -> r.setEcho(ResponseEcho.newBuilder().setMessage(request.getEcho().getMessage()));
      case FLUSH -> r.setFlush(ResponseFlush.getDefaultInstance());
      case INFO -> r.setInfo(app.info(request.getInfo()));
      case INIT_CHAIN -> r.setInitChain(app.initChain(request.getInitChain()));
      case QUERY -> r.setQuery(app.query(request.getQuery()));
      case CHECK_TX -> r.setCheckTx(app.checkTx(request.getCheckTx()));
      case COMMIT -> r.setCommit(app.commit(request.getCommit()));
      case LIST_SNAPSHOTS -> r.setListSnapshots(app.listSnapshots(request.getListSnapshots()));
      case OFFER_SNAPSHOT -> r.setOfferSnapshot(app.offerSnapshot(request.getOfferSnapshot()));
      case LOAD_SNAPSHOT_CHUNK ->
          r.setLoadSnapshotChunk(app.loadSnapshotChunk(request.getLoadSnapshotChunk()));
      case APPLY_SNAPSHOT_CHUNK ->
          r.setApplySnapshotChunk(app.applySnapshotChunk(request.getApplySnapshotChunk()));
      case PREPARE_PROPOSAL ->
          r.setPrepareProposal(app.prepareProposal(request.getPrepareProposal()));
      case PROCESS_PROPOSAL ->
          r.setProcessProposal(app.processProposal(request.getProcessProposal()));
      case EXTEND_VOTE -> r.setExtendVote(app.extendVote(request.getExtendVote()));
      case VERIFY_VOTE_EXTENSION ->
          r.setVerifyVoteExtension(app.verifyVoteExtension(request.getVerifyVoteExtension()));
      case FINALIZE_BLOCK -> r.setFinalizeBlock(app.finalizeBlock(request.getFinalizeBlock()));
      case VALUE_NOT_SET ->
          throw new IllegalArgumentException(
              "request names no ABCI v0.38 method"
                  + (request.getUnknownFields().asMap().isEmpty()
                      ? ""
                      : " (unknown field numbers "
                          + request.getUnknownFields().asMap().keySet()
                          + ")"));
    }
    return r.build();
  }

  /** The response CometBFT receives when the application failed on a request. */
  public static Response exception(String error) {
    return Response.newBuilder()
        .setException(ResponseException.newBuilder().setError(error))
        .build();
  }
}
