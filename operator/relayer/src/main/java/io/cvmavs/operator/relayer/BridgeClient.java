package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.bridge.BridgeReader;
import io.cvmavs.chain.bridge.BridgeWriter;
import io.cvmavs.chain.bridge.CheckpointData;
import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.bridge.DepositEvent;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.consensus.app.bridge.Withdrawals;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.Withdraw;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The `$C` bridge from a user's side (docs/BRIDGE.md, "Deposit" / "Withdrawal"): deposit on
 * Ethereum, withdraw on the CVM chain (a signed {@code Withdraw} transaction), claim on Ethereum
 * with the proof the CVM chain returns against a checkpoint already accepted there, and the
 * conservation check across both chains. {@code cvm-avs bridge}, the devnet and {@code BridgeIT}
 * use it.
 */
public final class BridgeClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RpcClient rpc;
  private final BridgeReader bridge;
  private final BridgeWriter writer; // null for a read-only client
  private final CheckpointsReader checkpoints;
  private final CometRpcClient cvm;
  private final long fromBlock;

  /**
   * @param fromBlock the first Ethereum block to scan for the bridge's and checkpoints' logs (their
   *     deployment)
   */
  public BridgeClient(
      Transactor tx, String bridge, String checkpoints, CometRpcClient cvm, long fromBlock) {
    this(tx.reader(), new BridgeWriter(tx, bridge), bridge, checkpoints, cvm, fromBlock);
  }

  /**
   * A keyless client for {@link #balance} and {@link #reader}: it holds no key, so {@link #deposit}
   * and {@link #claim} refuse.
   */
  public static BridgeClient readOnly(
      RpcClient rpc, String bridge, String checkpoints, CometRpcClient cvm, long fromBlock) {
    return new BridgeClient(rpc, null, bridge, checkpoints, cvm, fromBlock);
  }

  private BridgeClient(
      RpcClient rpc,
      BridgeWriter writer,
      String bridge,
      String checkpoints,
      CometRpcClient cvm,
      long fromBlock) {
    this.rpc = rpc;
    this.bridge = new BridgeReader(rpc, bridge);
    this.writer = writer;
    this.checkpoints = new CheckpointsReader(rpc, checkpoints);
    this.cvm = cvm;
    this.fromBlock = fromBlock;
  }

  private BridgeWriter writer(String what) {
    if (writer == null) {
      throw new IllegalStateException(what + " needs a key; this bridge client is read-only");
    }
    return writer;
  }

  public BridgeReader reader() {
    return bridge;
  }

  /** A deposit made: its nonce and receipt. */
  public record Deposited(long nonce, TransactionReceipt receipt) {}

  /** Approves and deposits {@code amount} of the bridge's token for {@code cvmAccount}. */
  public Deposited deposit(byte[] cvmAccount, BigInteger amount) {
    long nonce = bridge.depositCount();
    TransactionReceipt r =
        writer("a deposit").deposit(bridge.token(), Withdrawals.account(cvmAccount), amount);
    long block = r.getBlockNumber().longValueExact();
    for (DepositEvent e : bridge.deposits(block, block)) {
      if (e.txHash().equalsIgnoreCase(r.getTransactionHash())) {
        return new Deposited(e.nonce(), r);
      }
    }
    return new Deposited(nonce, r);
  }

  /** The CVM account's balance and next sequence ({@code /bridge/account}). */
  public JsonNode account(byte[] address) {
    return query("/bridge/account/0x" + Numbers.hex(address).substring(2));
  }

  public JsonNode cvmStatus() {
    return query("/bridge/status");
  }

  /** A withdrawal burned on the CVM chain: its nonce there and the CVM height of the block. */
  public record Withdrawn(long nonce, long height) {}

  /**
   * Signs a withdrawal with {@code key} (its address is the CVM account) to {@code recipient} on
   * Ethereum and waits for the block that burns it.
   *
   * @throws RelayerException.CvmRpc when the CVM chain refuses it or cannot be reached
   */
  public Withdrawn withdraw(ECKeyPair key, byte[] recipient, BigInteger amount) {
    byte[] account = Numbers.bytes(Keys.getAddress(key.getPublicKey()));
    try {
      String chainId = cvm.status().network();
      long sequence = account(account).path("sequence").asLong();
      long before = cvmStatus().path("withdrawals").asLong();
      byte[] sig = Withdrawals.sign(Withdrawals.digest(chainId, sequence, recipient, amount), key);
      byte[] txBytes =
          TxCodec.envelope(
              TxEnvelope.newBuilder()
                  .setWithdraw(
                      Withdraw.newBuilder()
                          .setAccount(ByteString.copyFrom(account))
                          .setSequence(sequence)
                          .setRecipient(ByteString.copyFrom(recipient))
                          .setAmount(ByteString.copyFrom(TxCodec.amountBytes(amount)))
                          .setSignature(ByteString.copyFrom(sig))));
      RpcTypes.TxCommit c = cvm.broadcastTxCommit(txBytes);
      if (c.checkTxCode() != 0 || c.txResultCode() != 0) {
        throw new RelayerException.CvmRpc(
            "the CVM chain refused the withdrawal: " + c.raw().toString(), null);
      }
      long count = cvmStatus().path("withdrawals").asLong();
      String me = "0x" + Numbers.hex(account).substring(2);
      for (long n = before; n < count; n++) {
        JsonNode w = query("/bridge/withdrawal/" + n);
        if (w.path("account").asText().equalsIgnoreCase(me)
            && w.path("sequence").asLong() == sequence) {
          return new Withdrawn(n, w.path("height").asLong());
        }
      }
      throw new RelayerException.CvmRpc(
          "the withdrawal of sequence " + sequence + " is not among the CVM chain's records", null);
    } catch (RpcException e) {
      throw new RelayerException.CvmRpc("CVM chain: " + e.getMessage(), e);
    }
  }

  /** A claim paid: the checkpoint it was proven against and the receipt (gas). */
  public record Claimed(long checkpointHeight, long checkpointIndex, TransactionReceipt receipt) {}

  /**
   * Claims withdrawal {@code nonce} on Ethereum against the contract's latest checkpoint.
   *
   * @throws RelayerException when that checkpoint does not cover the withdrawal yet
   */
  public Claimed claim(long nonce) {
    long height = checkpoints.latestHeight();
    JsonNode p = query("/bridge/proof/" + nonce + "/" + height);
    JsonNode c = p.path("checkpoint");
    CheckpointData cp =
        new CheckpointData(
            c.path("height").asLong(),
            bytes(c, "app_hash"),
            bytes(c, "cvm_block_hash"),
            bytes(c, "cumulative_root"),
            bytes(c, "withdrawals_root"),
            bytes(c, "next_validator_set_hash"));
    List<byte[]> siblings = new ArrayList<>();
    p.path("siblings").forEach(s -> siblings.add(Numbers.bytes(s.asText())));
    long index =
        BridgeReader.checkpointIndex(
            rpc, checkpoints.address(), height, fromBlock, rpc.blockNumber());
    TransactionReceipt r =
        writer("a claim")
            .claimWithdrawal(
                index,
                cp,
                nonce,
                p.path("recipient").asText(),
                new BigInteger(p.path("amount").asText()),
                siblings);
    return new Claimed(height, index, r);
  }

  /**
   * Both chains' bridge numbers and the conservation check: `$C` locked in {@code CBridge} = supply
   * on the CVM chain + deposits not yet credited + withdrawals burned but not yet claimed. The two
   * chains are read one after the other, so run it when no bridge transaction is in flight.
   */
  public record Balance(
      BigInteger locked,
      BigInteger cvmSupply,
      BigInteger uncredited,
      BigInteger unclaimed,
      long deposits,
      long credited,
      long withdrawals,
      long claimed) {
    public boolean conserved() {
      return locked.equals(cvmSupply.add(uncredited).add(unclaimed));
    }
  }

  public Balance balance() {
    JsonNode s = cvmStatus();
    long credited = s.path("next_deposit_nonce").asLong();
    long withdrawals = s.path("withdrawals").asLong();
    BigInteger uncredited = BigInteger.ZERO;
    long deposits = 0;
    for (DepositEvent e : bridge.deposits(fromBlock, rpc.blockNumber())) {
      deposits++;
      if (e.nonce() >= credited) {
        uncredited = uncredited.add(e.amount());
      }
    }
    BigInteger unclaimed = BigInteger.ZERO;
    long claimed = 0;
    for (long n = 0; n < withdrawals; n++) {
      if (bridge.isClaimed(n)) {
        claimed++;
      } else {
        unclaimed =
            unclaimed.add(new BigInteger(query("/bridge/withdrawal/" + n).path("amount").asText()));
      }
    }
    return new Balance(
        bridge.locked(),
        new BigInteger(s.path("supply").asText()),
        uncredited,
        unclaimed,
        deposits,
        credited,
        withdrawals,
        claimed);
  }

  private JsonNode query(String path) {
    try {
      RpcTypes.Query q = cvm.abciQuery(path, new byte[0], 0, false);
      if (q.code() != 0) {
        throw new RelayerException.CvmRpc("CVM chain abci_query " + path + ": " + q.log(), null);
      }
      return JSON.readTree(q.value());
    } catch (java.io.IOException e) {
      throw new RelayerException.CvmRpc("CVM chain abci_query " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(JsonNode n, String field) {
    return Numbers.bytes(n.path(field).asText());
  }
}
