package io.cvmavs.consensus.abci;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.cvmavs.consensus.proto.abci.*;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test application: records every request it is handed and answers each method with a fixed,
 * non-default response (so a test can tell the responses apart and check they travelled intact).
 * {@code failOn} makes one method throw.
 */
final class RecordingApplication implements Application {
  final List<Message> calls = new CopyOnWriteArrayList<>();
  volatile String failOn = "";

  static final ResponseInfo INFO =
      ResponseInfo.newBuilder()
          .setData("rec")
          .setVersion("1.0")
          .setAppVersion(3)
          .setLastBlockHeight(41)
          .setLastBlockAppHash(ByteString.copyFromUtf8("apphash"))
          .build();
  static final ResponseInitChain INIT_CHAIN =
      ResponseInitChain.newBuilder().setAppHash(ByteString.copyFromUtf8("genesis")).build();
  static final ResponseCheckTx CHECK_TX =
      ResponseCheckTx.newBuilder().setCode(7).setLog("bad tx").setGasWanted(5).build();
  static final ResponseQuery QUERY =
      ResponseQuery.newBuilder()
          .setKey(ByteString.copyFromUtf8("k"))
          .setValue(ByteString.copyFromUtf8("v"))
          .setHeight(9)
          .build();
  static final ResponsePrepareProposal PREPARE =
      ResponsePrepareProposal.newBuilder().addTxs(ByteString.copyFromUtf8("tx1")).build();
  static final ResponseProcessProposal PROCESS =
      ResponseProcessProposal.newBuilder()
          .setStatus(ResponseProcessProposal.ProposalStatus.REJECT)
          .build();
  static final ResponseExtendVote EXTEND =
      ResponseExtendVote.newBuilder().setVoteExtension(ByteString.copyFromUtf8("ext")).build();
  static final ResponseVerifyVoteExtension VERIFY =
      ResponseVerifyVoteExtension.newBuilder()
          .setStatus(ResponseVerifyVoteExtension.VerifyStatus.ACCEPT)
          .build();
  static final ResponseFinalizeBlock FINALIZE =
      ResponseFinalizeBlock.newBuilder()
          .setAppHash(ByteString.copyFromUtf8("h2"))
          .addTxResults(ExecTxResult.newBuilder().setCode(0).setData(ByteString.copyFromUtf8("ok")))
          .build();
  static final ResponseCommit COMMIT = ResponseCommit.newBuilder().setRetainHeight(2).build();
  static final ResponseListSnapshots LIST =
      ResponseListSnapshots.newBuilder()
          .addSnapshots(Snapshot.newBuilder().setHeight(10).setChunks(2))
          .build();
  static final ResponseOfferSnapshot OFFER =
      ResponseOfferSnapshot.newBuilder()
          .setResult(ResponseOfferSnapshot.Result.REJECT_FORMAT)
          .build();
  static final ResponseLoadSnapshotChunk LOAD =
      ResponseLoadSnapshotChunk.newBuilder().setChunk(ByteString.copyFromUtf8("chunk")).build();
  static final ResponseApplySnapshotChunk APPLY =
      ResponseApplySnapshotChunk.newBuilder()
          .setResult(ResponseApplySnapshotChunk.Result.RETRY)
          .addRefetchChunks(1)
          .build();

  private <T> T record(String method, Message request, T response) {
    if (failOn.equals(method)) {
      throw new IllegalStateException("test failure in " + method);
    }
    calls.add(request);
    return response;
  }

  @Override
  public ResponseInfo info(RequestInfo request) {
    return record("info", request, INFO);
  }

  @Override
  public ResponseInitChain initChain(RequestInitChain request) {
    return record("initChain", request, INIT_CHAIN);
  }

  @Override
  public ResponseCheckTx checkTx(RequestCheckTx request) {
    return record("checkTx", request, CHECK_TX);
  }

  @Override
  public ResponseQuery query(RequestQuery request) {
    return record("query", request, QUERY);
  }

  @Override
  public ResponsePrepareProposal prepareProposal(RequestPrepareProposal request) {
    return record("prepareProposal", request, PREPARE);
  }

  @Override
  public ResponseProcessProposal processProposal(RequestProcessProposal request) {
    return record("processProposal", request, PROCESS);
  }

  @Override
  public ResponseExtendVote extendVote(RequestExtendVote request) {
    return record("extendVote", request, EXTEND);
  }

  @Override
  public ResponseVerifyVoteExtension verifyVoteExtension(RequestVerifyVoteExtension request) {
    return record("verifyVoteExtension", request, VERIFY);
  }

  @Override
  public ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request) {
    return record("finalizeBlock", request, FINALIZE);
  }

  @Override
  public ResponseCommit commit(RequestCommit request) {
    return record("commit", request, COMMIT);
  }

  @Override
  public ResponseListSnapshots listSnapshots(RequestListSnapshots request) {
    return record("listSnapshots", request, LIST);
  }

  @Override
  public ResponseOfferSnapshot offerSnapshot(RequestOfferSnapshot request) {
    return record("offerSnapshot", request, OFFER);
  }

  @Override
  public ResponseLoadSnapshotChunk loadSnapshotChunk(RequestLoadSnapshotChunk request) {
    return record("loadSnapshotChunk", request, LOAD);
  }

  @Override
  public ResponseApplySnapshotChunk applySnapshotChunk(RequestApplySnapshotChunk request) {
    return record("applySnapshotChunk", request, APPLY);
  }
}
