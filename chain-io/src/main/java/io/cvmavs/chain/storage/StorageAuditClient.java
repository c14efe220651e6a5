package io.cvmavs.chain.storage;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The {@code StorageAudit} contract (docs/STORAGE.md "Audits"): holders of a group, attested
 * outcomes of audit rounds and single-chunk disputes (bonded: {@link #challenge} pays {@link
 * #challengeBond}, bonds are credited and pulled with {@link #withdraw}). Reads on an {@link
 * RpcClient}; transactions through a {@link Transactor} (estimated first, so a refusal is reported
 * with its custom error before anything is sent).
 */
public final class StorageAuditClient {
  /** The type string hashed into every outcome digest (same text as the contract's). */
  public static final String OUTCOME_TYPE =
      "StorageAuditOutcome(uint256 chainId,address audit,bytes32 groupHash,address holder,"
          + "bytes32 seed,bytes32 auditRoot,bool passed)";

  public static final byte[] OUTCOME_TYPEHASH =
      Hash.sha3(OUTCOME_TYPE.getBytes(StandardCharsets.US_ASCII));

  static final String ASSIGN = "assign(bytes32,bytes32,uint64,address[])";
  static final String SUBMIT_OUTCOME =
      "submitOutcome((bytes32,address,uint32,bool)," + TaskManagerAbi.NON_SIGNER_TUPLE + ")";
  static final String CHALLENGE = "challenge(bytes32,address,uint32,uint32)";
  static final String RESPOND = "respond(bytes32,address,bytes,bytes32[])";
  static final String EXPIRE = "expire(bytes32,address)";
  static final String WITHDRAW = "withdraw()";

  /** The custom errors a StorageAudit transaction can revert with (its own, the quorum check's). */
  static final List<String> ERRORS =
      List.of(
          "UnknownGroup(bytes32)",
          "AlreadyAssigned(bytes32)",
          "BadGroup()",
          "BadHolders()",
          "NotOperator(address)",
          "DuplicateHolder(address)",
          "NotHolderOf(bytes32,address)",
          "IndexOutOfRange(uint32,uint256)",
          "DisputeOpen(bytes32,address)",
          "NoDispute(bytes32,address)",
          "NotAnchored(bytes32)",
          "AnchorMismatch(bytes32,bytes32,uint64)",
          "WrongBond(uint256,uint256)",
          "InGracePeriod(uint32,uint256)",
          "SlashCooldown(bytes32,address,uint64)",
          "NothingToWithdraw(address)",
          "WithdrawFailed(address)",
          "DeadlinePassed(uint64)",
          "DeadlineNotReached(uint64)",
          "WrongChunkLength(uint256,uint256)",
          "WrongChunk(uint32)",
          "SeedUnavailable(uint32)",
          "OutcomeRecorded(bytes32,address,bytes32)",
          "AlreadySlashed(bytes32,address,bytes32)",
          "OwnableUnauthorizedAccount(address)",
          "InputLengthMismatch()",
          "TooManyNonSigners(uint256)",
          "NonSignersNotSorted(uint256)",
          "NonSignerNotRegistered(bytes32)",
          "QuorumApkMismatch(uint8)",
          "QuorumThresholdNotMet(uint8,uint96,uint96)",
          "InvalidSignature()",
          "NotAllowedToSlash(address)");

  /** The result of one (group, holder, round) as the contract records it. */
  public enum Result {
    NONE,
    PASSED,
    FAILED
  }

  /**
   * One attested outcome: {@code holder}'s copy of {@code groupHash} in the round of {@code
   * seedBlock}.
   */
  public record Outcome(byte[] groupHash, String holder, long seedBlock, boolean passed) {
    public Outcome {
      Bytes32.check("groupHash", groupHash);
      checkAddress("holder", holder);
      if (seedBlock < 0 || seedBlock > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("seedBlock out of uint32 range: " + seedBlock);
      }
    }
  }

  private final RpcClient reader;
  private final String address;

  public StorageAuditClient(RpcClient reader, String address) {
    this.reader = reader;
    this.address = checkAddress("StorageAudit address", address);
  }

  public String address() {
    return address;
  }

  /**
   * The digest each auditing operator BLS-signs: {@code keccak256(abi.encode(OUTCOME_TYPEHASH,
   * chainId, audit, groupHash, holder, seed, auditRoot, passed))}.
   */
  public static byte[] outcomeDigest(
      long chainId,
      String audit,
      byte[] groupHash,
      String holder,
      byte[] seed,
      byte[] auditRoot,
      boolean passed) {
    StringBuilder hex = new StringBuilder();
    for (Type<?> t :
        List.<Type<?>>of(
            new org.web3j.abi.datatypes.generated.Bytes32(OUTCOME_TYPEHASH),
            new Uint256(chainId),
            new Address(checkAddress("audit", audit)),
            new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check("groupHash", groupHash)),
            new Address(checkAddress("holder", holder)),
            new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check("seed", seed)),
            new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check("auditRoot", auditRoot)),
            new Bool(passed))) {
      hex.append(TypeEncoder.encode(t));
    }
    return Hash.sha3(java.util.HexFormat.of().parseHex(hex.toString()));
  }

  /** {@link #outcomeDigest} for this contract on this chain. */
  public byte[] outcomeDigest(
      byte[] groupHash, String holder, byte[] seed, byte[] auditRoot, boolean passed) {
    return outcomeDigest(reader.chainId(), address, groupHash, holder, seed, auditRoot, passed);
  }

  /** The contract's own {@code outcomeDigest} (a view; used to check the Java one). */
  public byte[] outcomeDigestOnChain(
      byte[] groupHash, String holder, byte[] seed, byte[] auditRoot, boolean passed) {
    String data =
        Abi.call(
            "outcomeDigest(bytes32,address,bytes32,bytes32,bool)",
            List.of(
                b32("groupHash", groupHash),
                new Address(holder),
                b32("seed", seed),
                b32("auditRoot", auditRoot),
                new Bool(passed)));
    return (byte[])
        Abi.decode(
                reader.call(address, data, "StorageAudit.outcomeDigest"),
                "StorageAudit.outcomeDigest",
                new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {})
            .get(0)
            .getValue();
  }

  /** The contract's owner (the AVS's authorised submitter, who assigns holders), lower-case. */
  public String owner() {
    List<Type> v =
        Abi.decode(
            reader.call(address, Abi.call("owner()", List.of()), "StorageAudit.owner"),
            "StorageAudit.owner",
            new TypeReference<Address>() {});
    return ((String) v.get(0).getValue()).toLowerCase(Locale.ROOT);
  }

  /** What the contract stores for one group; {@code fileSize == 0}: not assigned. */
  public record Group(byte[] auditRoot, long fileSize, long assignedBlock, int holderCount) {}

  public Group group(byte[] groupHash) {
    List<Type> v =
        Abi.decode(
            reader.call(
                address,
                Abi.call("groups(bytes32)", List.of(b32("groupHash", groupHash))),
                "StorageAudit.groups"),
            "StorageAudit.groups",
            new TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() {},
            new TypeReference<Uint64>() {},
            new TypeReference<Uint32>() {},
            new TypeReference<Uint8>() {});
    return new Group(
        (byte[]) v.get(0).getValue(),
        ((BigInteger) v.get(1).getValue()).longValueExact(),
        ((BigInteger) v.get(2).getValue()).longValueExact(),
        ((BigInteger) v.get(3).getValue()).intValueExact());
  }

  /** The holders recorded for a group (empty when it was never assigned), lower-case. */
  @SuppressWarnings("unchecked")
  public List<String> holdersOf(byte[] groupHash) {
    List<Type> v =
        Abi.decode(
            reader.call(
                address,
                Abi.call("holdersOf(bytes32)", List.of(b32("groupHash", groupHash))),
                "StorageAudit.holdersOf"),
            "StorageAudit.holdersOf",
            new TypeReference<DynamicArray<Address>>() {});
    return ((List<Address>) v.get(0).getValue())
        .stream().map(a -> a.getValue().toLowerCase(Locale.ROOT)).toList();
  }

  public Result result(byte[] groupHash, String holder, byte[] round) {
    List<Type> v =
        Abi.decode(
            reader.call(
                address,
                Abi.call(
                    "results(bytes32,address,bytes32)",
                    List.of(b32("groupHash", groupHash), new Address(holder), b32("round", round))),
                "StorageAudit.results"),
            "StorageAudit.results",
            new TypeReference<Uint8>() {});
    return Result.values()[((BigInteger) v.get(0).getValue()).intValueExact()];
  }

  public boolean slashed(byte[] groupHash, String holder, byte[] round) {
    List<Type> v =
        Abi.decode(
            reader.call(
                address,
                Abi.call(
                    "slashed(bytes32,address,bytes32)",
                    List.of(b32("groupHash", groupHash), new Address(holder), b32("round", round))),
                "StorageAudit.slashed"),
            "StorageAudit.slashed",
            new TypeReference<Bool>() {});
    return (Boolean) v.get(0).getValue();
  }

  /** The wei {@link #challenge} locks per dispute. */
  public BigInteger challengeBond() {
    return uint256View("challengeBond()", List.of(), "StorageAudit.challengeBond");
  }

  /** Seconds between two slashes of one (group, holder). */
  public long slashCooldown() {
    return uint256View("slashCooldown()", List.of(), "StorageAudit.slashCooldown").longValueExact();
  }

  /** Blocks after the assignment before a round can fail. */
  public long challengeGrace() {
    return uint256View("challengeGrace()", List.of(), "StorageAudit.challengeGrace")
        .longValueExact();
  }

  /** Wei {@code account} may {@link #withdraw} (bonds paid to it or refunded). */
  public BigInteger credit(String account) {
    return uint256View(
        "credit(address)",
        List.of(new Address(checkAddress("account", account))),
        "StorageAudit.credit");
  }

  /** Timestamp of the last slash of (group, holder), 0 if never. */
  public long lastSlashAt(byte[] groupHash, String holder) {
    return uint256View(
            "lastSlashAt(bytes32,address)",
            List.of(b32("groupHash", groupHash), new Address(checkAddress("holder", holder))),
            "StorageAudit.lastSlashAt")
        .longValueExact();
  }

  private BigInteger uint256View(String signature, List<Type> args, String what) {
    List<Type> v =
        Abi.decode(
            reader.call(address, Abi.call(signature, args), what),
            what,
            new TypeReference<Uint256>() {});
    return (BigInteger) v.get(0).getValue();
  }

  /**
   * Owner (the AVS's authorised submitter) only: records the holders of a group (anchored in the
   * AnchorRegistry with this audit root and size; every holder registered in the quorum).
   */
  public TransactionReceipt assign(
      Transactor tx, byte[] groupHash, byte[] auditRoot, long fileSize, List<String> holders) {
    String data =
        Abi.call(
            ASSIGN,
            List.of(
                b32("groupHash", groupHash),
                b32("auditRoot", auditRoot),
                new Uint64(fileSize),
                new DynamicArray<>(
                    Address.class,
                    holders.stream().map(h -> new Address(checkAddress("holder", h))).toList())));
    return send(tx, data, "StorageAudit.assign(" + Bytes32.hex(groupHash) + ", " + holders + ")");
  }

  /** Anyone: records an outcome attested by the AVS's BLS quorum (a failed one slashes). */
  public TransactionReceipt submitOutcome(
      Transactor tx, Outcome o, NonSignerStakesAndSignature sig) {
    String data =
        Abi.call(
            SUBMIT_OUTCOME,
            List.of(
                new StaticStruct(
                    b32("groupHash", o.groupHash()),
                    new Address(o.holder()),
                    new Uint32(o.seedBlock()),
                    new Bool(o.passed())),
                TaskManagerAbi.nonSignerStruct(sig)));
    return send(
        tx,
        data,
        "StorageAudit.submitOutcome("
            + Bytes32.hex(o.groupHash())
            + ", "
            + o.holder()
            + ", seed block "
            + o.seedBlock()
            + (o.passed() ? ", passed)" : ", failed)"));
  }

  /**
   * Anyone: opens a dispute on chunk {@code index} of {@code holder}'s copy, paying the contract's
   * {@link #challengeBond} (read first).
   */
  public TransactionReceipt challenge(
      Transactor tx, byte[] groupHash, String holder, long seedBlock, int index) {
    String data =
        Abi.call(
            CHALLENGE,
            List.of(
                b32("groupHash", groupHash),
                new Address(checkAddress("holder", holder)),
                new Uint32(seedBlock),
                new Uint32(index)));
    return send(
        tx, data, challengeBond(), "StorageAudit.challenge(" + holder + ", chunk " + index + ")");
  }

  /**
   * Anyone: answers {@code holder}'s open dispute with the chunk and its audit-tree path (the
   * answer counts for the holder; the bond is credited to the holder).
   */
  public TransactionReceipt respond(
      Transactor tx, byte[] groupHash, String holder, byte[] chunk, List<byte[]> siblings) {
    String data =
        Abi.call(
            RESPOND,
            List.of(
                b32("groupHash", groupHash),
                new Address(checkAddress("holder", holder)),
                new DynamicBytes(chunk),
                new DynamicArray<>(
                    org.web3j.abi.datatypes.generated.Bytes32.class,
                    siblings.stream().map(s -> b32("sibling", s)).toList())));
    return send(tx, data, "StorageAudit.respond(" + Bytes32.hex(groupHash) + ", " + holder + ")");
  }

  /**
   * Anyone, after the deadline: fails the round, credits the bond back to the challenger and
   * slashes the holder (unless already slashed within the cooldown).
   */
  public TransactionReceipt expire(Transactor tx, byte[] groupHash, String holder) {
    String data =
        Abi.call(
            EXPIRE,
            List.of(b32("groupHash", groupHash), new Address(checkAddress("holder", holder))));
    return send(tx, data, "StorageAudit.expire(" + holder + ")");
  }

  /** Pays out {@code tx}'s account's credit. */
  public TransactionReceipt withdraw(Transactor tx) {
    return send(tx, Abi.call(WITHDRAW, List.of()), "StorageAudit.withdraw(" + tx.address() + ")");
  }

  private TransactionReceipt send(Transactor tx, String data, String what) {
    return send(tx, data, BigInteger.ZERO, what);
  }

  /** Sends, naming StorageAudit's custom error in a refusal's message. */
  private TransactionReceipt send(Transactor tx, String data, BigInteger value, String what) {
    try {
      return tx.send(address, data, value, what);
    } catch (ChainException.Reverted e) {
      String name = errorName(e.getMessage());
      if (name == null) {
        throw e;
      }
      throw new ChainException.Reverted(e.getMessage() + " [" + name + "]", e.mined());
    }
  }

  /** The name of the first known custom error whose selector the text holds, else null. */
  static String errorName(String text) {
    if (text == null) {
      return null;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String e : ERRORS) {
      if (lower.contains(Abi.selector(e).toLowerCase(Locale.ROOT))) {
        return e.substring(0, e.indexOf('('));
      }
    }
    return null;
  }

  private static org.web3j.abi.datatypes.generated.Bytes32 b32(String what, byte[] v) {
    return new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check(what, v));
  }

  private static String checkAddress(String what, String a) {
    if (a == null || !a.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(what + " is not an address: " + a);
    }
    return a;
  }
}
