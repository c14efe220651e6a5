package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Keyless reads of the {@code CvmManuscriptRegistry} (issue 14): one entry, the entry count, pages
 * of hashes, and the registrations as events.
 */
public final class ManuscriptRegistryReader {
  static final String MANUSCRIPT_OF = "manuscriptOf(bytes32)";
  static final String MANUSCRIPT_COUNT = "manuscriptCount()";
  static final String MANUSCRIPT_HASHES = "manuscriptHashes(uint256,uint256)";
  static final String IS_REGISTRAR = "isRegistrar(address)";
  static final String OWNER = "owner()";

  /** Hashes read per {@code manuscriptHashes} call by {@link #all()}. */
  static final int PAGE = 200;

  private final RpcClient reader;
  private final String address;

  public ManuscriptRegistryReader(RpcClient reader, String address) {
    if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "CvmManuscriptRegistry address is not an address: " + address);
    }
    this.reader = reader;
    this.address = address;
  }

  /** The chain's head block number now ({@code eth_blockNumber}). */
  public long head() {
    return reader.blockNumber();
  }

  public String address() {
    return address;
  }

  /** The entry of {@code manuscriptHash}; empty when it was never registered. */
  public Optional<RegisteredManuscript> manuscriptOf(byte[] manuscriptHash) {
    byte[] h = Bytes32.check("manuscriptHash", manuscriptHash);
    String what = "CvmManuscriptRegistry.manuscriptOf(" + Bytes32.hex(h) + ")";
    String ret =
        reader.call(
            address,
            Abi.call(MANUSCRIPT_OF, List.of(new org.web3j.abi.datatypes.generated.Bytes32(h))),
            what);
    RegisteredManuscript m = decodeManuscript(h, ret, what);
    return m.status() == RegisteredManuscript.Status.NONE ? Optional.empty() : Optional.of(m);
  }

  /**
   * Decodes {@code manuscriptOf}'s return data: one dynamic tuple {@code (bytes32 contentHash,
   * address owner, uint8 status, uint64 registeredBlock, string locator)}.
   */
  static RegisteredManuscript decodeManuscript(byte[] hash, String ret, String what) {
    Words w = new Words(ret, what);
    int t = w.offset(0);
    byte[] content = w.bytes32(t);
    String owner = w.address(t + 32);
    BigInteger status = w.uint(t + 64);
    BigInteger block = w.uint(t + 96);
    if (status.bitLength() > 8 || block.bitLength() > 63) {
      throw new ChainException(what + ": malformed data: status or block out of range");
    }
    int s = t + w.offset(t + 128);
    int len = w.offset(s);
    byte[] raw = slice(ret, s + 32, len, what);
    return new RegisteredManuscript(
        hash,
        content,
        owner,
        RegisteredManuscript.Status.of(status.intValue()),
        block.longValue(),
        new String(raw, StandardCharsets.UTF_8));
  }

  private static byte[] slice(String hex, int from, int len, String what) {
    byte[] all = io.cvmavs.chain.abi.Numbers.bytes(hex);
    if (from < 0 || len < 0 || (long) from + len > all.length) {
      throw new ChainException(
          what + ": malformed data: string of " + len + " bytes at " + from + " outside data");
    }
    byte[] out = new byte[len];
    System.arraycopy(all, from, out, 0, len);
    return out;
  }

  /** Number of entries ever registered. */
  public long count() {
    return reader
        .view(address, MANUSCRIPT_COUNT, new org.web3j.abi.TypeReference<Uint256>() {})
        .getValue()
        .longValueExact();
  }

  /** Hashes of entries {@code [offset, offset + limit)} in registration order. */
  public List<byte[]> hashes(long offset, long limit) {
    String what = "CvmManuscriptRegistry.manuscriptHashes(" + offset + "," + limit + ")";
    String ret =
        reader.call(
            address,
            Abi.call(
                MANUSCRIPT_HASHES,
                List.<Type<?>>of(
                    new Uint256(BigInteger.valueOf(offset)),
                    new Uint256(BigInteger.valueOf(limit)))),
            what);
    Words w = new Words(ret, what);
    int at = w.offset(0);
    int n = w.offset(at);
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(w.bytes32(at + 32 + 32 * i));
    }
    return out;
  }

  /** Every entry, in registration order. */
  public List<RegisteredManuscript> all() {
    long n = count();
    List<RegisteredManuscript> out = new ArrayList<>();
    for (long offset = 0; offset < n; offset += PAGE) {
      for (byte[] h : hashes(offset, PAGE)) {
        out.add(
            manuscriptOf(h)
                .orElseThrow(
                    () ->
                        new ChainException(
                            "CvmManuscriptRegistry lists "
                                + Bytes32.hex(h)
                                + " but has no entry")));
      }
    }
    return out;
  }

  /**
   * Whether {@code account} is an allow-listed registrar (the owner registers without being one).
   */
  public boolean isRegistrar(String account) {
    return reader
        .view(
            address,
            IS_REGISTRAR,
            new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Bool>() {},
            new org.web3j.abi.datatypes.Address(account))
        .getValue();
  }

  /** The AVS owner (who registers, revokes and allow-lists registrars). */
  public String owner() {
    return reader
        .view(address, OWNER, new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>() {})
        .getValue()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** One {@code ManuscriptRegistered} log. */
  public record Registration(
      byte[] manuscriptHash, String owner, byte[] contentHash, String locator, long block) {}

  /** Every registration in [fromBlock, toBlock], in chain order (bounded log scans). */
  public List<Registration> registrations(long fromBlock, long toBlock) {
    LogScanner.Query q =
        LogScanner.Query.of("ManuscriptRegistered", address, Events.MANUSCRIPT_REGISTERED.topic());
    List<Registration> out = new ArrayList<>();
    for (Log log : reader.logs().logs(q, fromBlock, toBlock)) {
      Map<String, Object> v = Events.MANUSCRIPT_REGISTERED.decode(log);
      out.add(
          new Registration(
              io.cvmavs.chain.abi.Numbers.bytes((String) v.get("manuscriptHash")),
              ((String) v.get("owner")).toLowerCase(java.util.Locale.ROOT),
              io.cvmavs.chain.abi.Numbers.bytes((String) v.get("contentHash")),
              (String) v.get("locator"),
              log.getBlockNumber().longValueExact()));
    }
    return out;
  }

  /**
   * One change of the registry's entries: a {@code ManuscriptRegistered} (status {@code ACTIVE},
   * with the content hash and locator), {@code ManuscriptDeprecated} or {@code ManuscriptRevoked}
   * log (content hash zero, locator empty), with where it is on the chain.
   */
  public record Change(
      byte[] manuscriptHash,
      RegisteredManuscript.Status status,
      long block,
      long logIndex,
      byte[] contentHash,
      String locator) {
    public Change {
      manuscriptHash = manuscriptHash.clone();
      contentHash = contentHash.clone();
    }

    @Override
    public byte[] manuscriptHash() {
      return manuscriptHash.clone();
    }

    @Override
    public byte[] contentHash() {
      return contentHash.clone();
    }
  }

  /**
   * Every registration, deprecation and revocation in [fromBlock, toBlock], in chain order (block,
   * then log index; one bounded log scan over the three event topics).
   */
  public List<Change> changes(long fromBlock, long toBlock) {
    LogScanner.Query q =
        new LogScanner.Query(
            "CvmManuscriptRegistry changes",
            List.of(address),
            List.of(
                List.of(
                    Events.MANUSCRIPT_REGISTERED.topic(),
                    Events.MANUSCRIPT_DEPRECATED.topic(),
                    Events.MANUSCRIPT_REVOKED.topic())));
    List<Change> out = new ArrayList<>();
    for (Log log : reader.logs().logs(q, fromBlock, toBlock)) {
      long block = log.getBlockNumber().longValueExact();
      long index = log.getLogIndex().longValueExact();
      if (Events.MANUSCRIPT_REGISTERED.matches(log)) {
        Map<String, Object> v = Events.MANUSCRIPT_REGISTERED.decode(log);
        out.add(
            new Change(
                io.cvmavs.chain.abi.Numbers.bytes((String) v.get("manuscriptHash")),
                RegisteredManuscript.Status.ACTIVE,
                block,
                index,
                io.cvmavs.chain.abi.Numbers.bytes((String) v.get("contentHash")),
                (String) v.get("locator")));
      } else {
        boolean deprecated = Events.MANUSCRIPT_DEPRECATED.matches(log);
        Map<String, Object> v =
            (deprecated ? Events.MANUSCRIPT_DEPRECATED : Events.MANUSCRIPT_REVOKED).decode(log);
        out.add(
            new Change(
                io.cvmavs.chain.abi.Numbers.bytes((String) v.get("manuscriptHash")),
                deprecated
                    ? RegisteredManuscript.Status.DEPRECATED
                    : RegisteredManuscript.Status.REVOKED,
                block,
                index,
                new byte[32],
                ""));
      }
    }
    out.sort(java.util.Comparator.comparingLong(Change::block).thenComparingLong(Change::logIndex));
    return out;
  }
}
