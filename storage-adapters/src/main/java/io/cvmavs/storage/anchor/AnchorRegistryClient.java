package io.cvmavs.storage.anchor;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The {@code AnchorRegistry} contract through the one chain-access layer: keyless reads on an
 * {@link RpcClient}, the anchor transaction through a {@link Transactor}, its events through the
 * connection's {@link LogScanner} (bounded ranges).
 */
public final class AnchorRegistryClient {
  static final String ANCHOR = "anchor(bytes32,uint64,uint64,uint64,bytes32,bytes32,bytes32,bytes)";
  static final String ANCHOR_OF = "anchorOf(bytes32)";
  static final String NEXT_HEIGHT = "nextHeight(bytes32)";
  static final String SUBMITTER = "submitter()";

  private final RpcClient reader;
  private final String address;

  public AnchorRegistryClient(RpcClient reader, String address) {
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("AnchorRegistry address is not an address: " + address);
    }
    this.reader = reader;
    this.address = address;
  }

  public String address() {
    return address;
  }

  /** What the contract stores for one group. */
  public record OnChain(
      long firstHeight,
      long lastHeight,
      long blockNumber,
      long fileSize,
      byte[] stream,
      byte[] dataRoot,
      byte[] auditRoot,
      byte[] locatorsHash) {}

  /** The stored receipt of a group, empty if it was never anchored. */
  public Optional<OnChain> anchorOf(byte[] groupHash) {
    String data =
        Abi.call(
            ANCHOR_OF,
            List.of(
                new org.web3j.abi.datatypes.generated.Bytes32(
                    Bytes32.check("groupHash", groupHash))));
    List<Type> v =
        Abi.decode(
            reader.call(address, data, "AnchorRegistry.anchorOf"),
            "AnchorRegistry.anchorOf",
            new TypeReference<Uint64>() {},
            new TypeReference<Uint64>() {},
            new TypeReference<Uint64>() {},
            new TypeReference<Uint64>() {},
            new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {},
            new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {},
            new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {},
            new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {});
    long block = ((BigInteger) v.get(2).getValue()).longValueExact();
    if (block == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new OnChain(
            ((BigInteger) v.get(0).getValue()).longValueExact(),
            ((BigInteger) v.get(1).getValue()).longValueExact(),
            block,
            ((BigInteger) v.get(3).getValue()).longValueExact(),
            (byte[]) v.get(4).getValue(),
            (byte[]) v.get(5).getValue(),
            (byte[]) v.get(6).getValue(),
            (byte[]) v.get(7).getValue()));
  }

  /** The height the next group of {@code stream} must start at. */
  public long nextHeight(byte[] stream) {
    String data =
        Abi.call(
            NEXT_HEIGHT,
            List.of(
                new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check("stream", stream))));
    List<Type> v =
        Abi.decode(
            reader.call(address, data, "AnchorRegistry.nextHeight"),
            "AnchorRegistry.nextHeight",
            new TypeReference<Uint64>() {});
    return ((BigInteger) v.get(0).getValue()).longValueExact();
  }

  /** The one account allowed to anchor. */
  public String submitter() {
    List<Type> v =
        Abi.decode(
            reader.call(address, Abi.call(SUBMITTER, List.of()), "AnchorRegistry.submitter"),
            "AnchorRegistry.submitter",
            new TypeReference<Address>() {});
    return ((String) v.get(0).getValue()).toLowerCase(java.util.Locale.ROOT);
  }

  /** One group's receipt to record. */
  public record Submission(
      byte[] stream,
      long firstHeight,
      long lastHeight,
      long fileSize,
      byte[] groupHash,
      byte[] dataRoot,
      byte[] auditRoot,
      byte[] locators) {}

  /**
   * Sends {@code anchor(...)} from {@code tx}'s account (estimated first: a refusal such as {@code
   * AlreadyAnchored} or {@code HeightsNotContiguous} is reported before anything is sent).
   */
  public TransactionReceipt anchor(Transactor tx, Submission s) {
    String data =
        Abi.call(
            ANCHOR,
            List.of(
                new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check("stream", s.stream())),
                new Uint64(s.firstHeight()),
                new Uint64(s.lastHeight()),
                new Uint64(s.fileSize()),
                new org.web3j.abi.datatypes.generated.Bytes32(
                    Bytes32.check("groupHash", s.groupHash())),
                new org.web3j.abi.datatypes.generated.Bytes32(
                    Bytes32.check("dataRoot", s.dataRoot())),
                new org.web3j.abi.datatypes.generated.Bytes32(
                    Bytes32.check("auditRoot", s.auditRoot())),
                new DynamicBytes(s.locators())));
    return tx.send(
        address,
        data,
        "AnchorRegistry.anchor(heights " + s.firstHeight() + ".." + s.lastHeight() + ")");
  }

  /**
   * Every anchor in [fromBlock, toBlock] (of {@code stream} if given), in chain order. A log whose
   * locators do not hash to its {@code locatorsHash} is refused.
   */
  public List<AnchoredGroup> anchors(Optional<byte[]> stream, long fromBlock, long toBlock) {
    LogScanner.Query q =
        LogScanner.Query.of("GroupAnchored", address, Events.GROUP_ANCHORED.topic());
    if (stream.isPresent()) {
      q = q.andTopic(Bytes32.hex(stream.get()));
    }
    List<AnchoredGroup> out = new ArrayList<>();
    for (Log log : reader.logs().logs(q, fromBlock, toBlock)) {
      out.add(decode(log));
    }
    return out;
  }

  static AnchoredGroup decode(Log log) {
    Map<String, Object> v = Events.GROUP_ANCHORED.decode(log);
    byte[] locators = Numbers.bytes((String) v.get("locators"));
    byte[] locatorsHash = Numbers.bytes((String) v.get("locatorsHash"));
    if (!java.util.Arrays.equals(io.cvmavs.cvm.proof.Keccak.hash(locators), locatorsHash)) {
      throw new ChainException(
          "GroupAnchored in transaction "
              + log.getTransactionHash()
              + ": locators do not hash to locatorsHash");
    }
    return new AnchoredGroup(
        Numbers.bytes((String) v.get("stream")),
        ((BigInteger) v.get("firstHeight")).longValueExact(),
        ((BigInteger) v.get("lastHeight")).longValueExact(),
        ((BigInteger) v.get("fileSize")).longValueExact(),
        Numbers.bytes((String) v.get("groupHash")),
        Numbers.bytes((String) v.get("dataRoot")),
        Numbers.bytes((String) v.get("auditRoot")),
        locatorsHash,
        AnchorLocators.decode(locators),
        log.getBlockNumber().longValueExact(),
        log.getTransactionHash());
  }
}
