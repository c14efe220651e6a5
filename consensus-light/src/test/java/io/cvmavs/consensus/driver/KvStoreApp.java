package io.cvmavs.consensus.driver;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.abci.Application;
import io.cvmavs.consensus.proto.abci.ExecTxResult;
import io.cvmavs.consensus.proto.abci.ExtendedVoteInfo;
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
import io.cvmavs.consensus.proto.abci.ValidatorUpdate;
import io.cvmavs.consensus.proto.crypto.PublicKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Deterministic test application for the driver tests: a key-value store.
 *
 * <ul>
 *   <li>Transactions: {@code key=value}, or {@code val:<hex Ed25519 key>:<power>} (a validator
 *       update returned by FinalizeBlock). Anything else fails CheckTx and makes ProcessProposal
 *       REJECT.
 *   <li>App hash: SHA-256 over the committed entries in key order (each {@code key \0 value \0}),
 *       so two apps fed the same blocks agree and any divergence shows.
 *   <li>Vote extension: SHA-256("ext" ‖ height ‖ block hash); VerifyVoteExtension recomputes it.
 *   <li>{@link Mode#BYZANTINE_PROPOSER}: PrepareProposal appends {@code !bogus}, which honest apps
 *       reject. {@link Mode#BAD_EXTENSION}: ExtendVote returns garbage.
 * </ul>
 *
 * Committed state lives in a {@link Disk} that survives {@link LocalNet#restart} when the test
 * passes the same one to the new app (a node that restarts with its data), or not (a node that lost
 * its data and replays from genesis). Every request is recorded as {@code Method@height}.
 */
final class KvStoreApp implements Application {
  enum Mode {
    HONEST,
    BYZANTINE_PROPOSER,
    BAD_EXTENSION,
    /** The first PrepareProposal sleeps 4 s (over the tests' call timeout) before answering. */
    HANGS_ONCE_IN_PREPARE,
    /**
     * The first Commit at height 3 throws before persisting (a crash between FinalizeBlock and
     * Commit).
     */
    FAILS_ONCE_IN_COMMIT
  }

  /** What a node keeps across a restart: the committed state. */
  static final class Disk {
    TreeMap<String, String> state = new TreeMap<>();
    long height;
    byte[] appHash = hash(new TreeMap<>());
  }

  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<RequestPrepareProposal> prepares = new CopyOnWriteArrayList<>();
  final List<RequestFinalizeBlock> finalized = new CopyOnWriteArrayList<>();
  private final Mode mode;
  private final Disk disk;
  private TreeMap<String, String> pending;
  private byte[] pendingHash;
  private long pendingHeight;
  private boolean hung;
  private boolean failedCommit;

  KvStoreApp(Mode mode, Disk disk) {
    this.mode = mode;
    this.disk = disk;
  }

  Disk disk() {
    return disk;
  }

  @Override
  public ResponseInfo info(RequestInfo request) {
    calls.add("Info");
    return ResponseInfo.newBuilder()
        .setVersion("kvstore-test")
        .setLastBlockHeight(disk.height)
        .setLastBlockAppHash(ByteString.copyFrom(disk.appHash))
        .build();
  }

  @Override
  public ResponseInitChain initChain(RequestInitChain request) {
    calls.add("InitChain");
    return ResponseInitChain.newBuilder().setAppHash(ByteString.copyFrom(disk.appHash)).build();
  }

  @Override
  public ResponseCheckTx checkTx(RequestCheckTx request) {
    calls.add("CheckTx");
    String why = invalid(request.getTx());
    return why == null
        ? ResponseCheckTx.getDefaultInstance()
        : ResponseCheckTx.newBuilder().setCode(1).setLog(why).build();
  }

  @Override
  public ResponseQuery query(RequestQuery request) {
    calls.add("Query");
    String key = request.getData().toStringUtf8();
    String value = disk.state.get(key);
    ResponseQuery.Builder r =
        ResponseQuery.newBuilder().setKey(request.getData()).setHeight(disk.height);
    if (value == null) {
      return r.setCode(1).setLog("no key " + key).build();
    }
    return r.setValue(ByteString.copyFromUtf8(value)).build();
  }

  @Override
  public ResponsePrepareProposal prepareProposal(RequestPrepareProposal request) {
    calls.add("PrepareProposal@" + request.getHeight());
    prepares.add(request);
    if (mode == Mode.HANGS_ONCE_IN_PREPARE && !hung) {
      hung = true;
      try {
        Thread.sleep(4_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ResponsePrepareProposal.Builder r = ResponsePrepareProposal.newBuilder();
    for (ByteString tx : request.getTxsList()) {
      if (invalid(tx) == null) {
        r.addTxs(tx);
      }
    }
    if (mode == Mode.BYZANTINE_PROPOSER) {
      r.addTxs(ByteString.copyFromUtf8("!bogus"));
    }
    return r.build();
  }

  @Override
  public ResponseProcessProposal processProposal(RequestProcessProposal request) {
    calls.add("ProcessProposal@" + request.getHeight());
    for (ByteString tx : request.getTxsList()) {
      if (invalid(tx) != null) {
        return ResponseProcessProposal.newBuilder()
            .setStatus(ResponseProcessProposal.ProposalStatus.REJECT)
            .build();
      }
    }
    return ResponseProcessProposal.newBuilder()
        .setStatus(ResponseProcessProposal.ProposalStatus.ACCEPT)
        .build();
  }

  @Override
  public ResponseExtendVote extendVote(RequestExtendVote request) {
    calls.add("ExtendVote@" + request.getHeight());
    byte[] ext =
        mode == Mode.BAD_EXTENSION
            ? "garbage".getBytes(StandardCharsets.UTF_8)
            : extension(request.getHeight(), request.getHash());
    return ResponseExtendVote.newBuilder().setVoteExtension(ByteString.copyFrom(ext)).build();
  }

  @Override
  public ResponseVerifyVoteExtension verifyVoteExtension(RequestVerifyVoteExtension request) {
    calls.add("VerifyVoteExtension@" + request.getHeight());
    boolean ok =
        request
            .getVoteExtension()
            .equals(ByteString.copyFrom(extension(request.getHeight(), request.getHash())));
    return ResponseVerifyVoteExtension.newBuilder()
        .setStatus(
            ok
                ? ResponseVerifyVoteExtension.VerifyStatus.ACCEPT
                : ResponseVerifyVoteExtension.VerifyStatus.REJECT)
        .build();
  }

  @Override
  public ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request) {
    calls.add("FinalizeBlock@" + request.getHeight());
    finalized.add(request);
    if (request.getHeight() != disk.height + 1) {
      throw new IllegalStateException(
          "FinalizeBlock for height " + request.getHeight() + " after height " + disk.height);
    }
    TreeMap<String, String> next = new TreeMap<>(disk.state);
    ResponseFinalizeBlock.Builder r = ResponseFinalizeBlock.newBuilder();
    for (ByteString tx : request.getTxsList()) {
      String s = tx.toStringUtf8();
      if (s.startsWith("val:")) {
        String[] parts = s.split(":");
        r.addValidatorUpdates(
            ValidatorUpdate.newBuilder()
                .setPubKey(
                    PublicKey.newBuilder()
                        .setEd25519(ByteString.copyFrom(HexFormat.of().parseHex(parts[1]))))
                .setPower(Long.parseLong(parts[2])));
        next.put(s, "");
      } else {
        int eq = s.indexOf('=');
        next.put(s.substring(0, eq), s.substring(eq + 1));
      }
      r.addTxResults(ExecTxResult.newBuilder().setCode(0).setGasUsed(tx.size()));
    }
    pending = next;
    pendingHash = hash(next);
    pendingHeight = request.getHeight();
    return r.setAppHash(ByteString.copyFrom(pendingHash)).build();
  }

  @Override
  public ResponseCommit commit(RequestCommit request) {
    calls.add("Commit@" + pendingHeight);
    if (mode == Mode.FAILS_ONCE_IN_COMMIT && pendingHeight == 3 && !failedCommit) {
      failedCommit = true;
      pending = null;
      throw new IllegalStateException("simulated crash before Commit persisted height 3");
    }
    disk.state = pending;
    disk.appHash = pendingHash;
    disk.height = pendingHeight;
    return ResponseCommit.getDefaultInstance();
  }

  @Override
  public ResponseListSnapshots listSnapshots(RequestListSnapshots request) {
    return ResponseListSnapshots.getDefaultInstance();
  }

  @Override
  public ResponseOfferSnapshot offerSnapshot(RequestOfferSnapshot request) {
    return ResponseOfferSnapshot.newBuilder()
        .setResult(ResponseOfferSnapshot.Result.REJECT)
        .build();
  }

  @Override
  public ResponseLoadSnapshotChunk loadSnapshotChunk(RequestLoadSnapshotChunk request) {
    return ResponseLoadSnapshotChunk.getDefaultInstance();
  }

  @Override
  public ResponseApplySnapshotChunk applySnapshotChunk(RequestApplySnapshotChunk request) {
    return ResponseApplySnapshotChunk.newBuilder()
        .setResult(ResponseApplySnapshotChunk.Result.ABORT)
        .build();
  }

  /** Why {@code tx} is not a valid transaction, or {@code null}. */
  static String invalid(ByteString tx) {
    String s = tx.toStringUtf8();
    if (s.startsWith("val:")) {
      String[] parts = s.split(":");
      if (parts.length != 3
          || !parts[1].matches("[0-9a-fA-F]{64}")
          || !parts[2].matches("\\d{1,9}")) {
        return "validator update must be val:<64 hex digits>:<power>";
      }
      return null;
    }
    int eq = s.indexOf('=');
    return eq > 0 ? null : "transaction must be key=value";
  }

  static byte[] extension(long height, ByteString blockHash) {
    MessageDigest d = sha256();
    d.update("ext".getBytes(StandardCharsets.UTF_8));
    d.update(Long.toString(height).getBytes(StandardCharsets.UTF_8));
    d.update(blockHash.toByteArray());
    return d.digest();
  }

  static byte[] hash(Map<String, String> state) {
    MessageDigest d = sha256();
    for (Map.Entry<String, String> e : state.entrySet()) {
      d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(e.getValue().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
    }
    return d.digest();
  }

  /** The consensus-connection calls ({@code Method@height}) in arrival order. */
  List<String> consensusCalls() {
    List<String> out = new ArrayList<>();
    for (String c : calls) {
      if (!c.equals("CheckTx") && !c.equals("Query") && !c.equals("Info")) {
        out.add(c);
      }
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For ExtendedVoteInfo checks. */
  static boolean carriesExtension(ExtendedVoteInfo v, long height, ByteString blockHash) {
    return v.getVoteExtension().equals(ByteString.copyFrom(extension(height, blockHash)));
  }
}
