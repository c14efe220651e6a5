package io.cvmavs.chainbasedb.format;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * A signed DB3 mutation, the transaction of the CVM chain's database (docs/DB3-FORMAT.md §1).
 *
 * <table>
 *   <caption>fields, in canonical order</caption>
 *   <tr><th>field</th><th>logical type</th><th>required</th></tr>
 *   <tr><td>version</td><td>UINT32 (= 1)</td><td>yes</td></tr>
 *   <tr><td>chain_id</td><td>UINT64, the CVM chain network</td><td>yes</td></tr>
 *   <tr><td>sender_payment_chain_id</td><td>ENUM eth | near</td><td>yes</td></tr>
 *   <tr><td>nonce</td><td>UINT64, the sender's previous nonce + 1</td><td>yes</td></tr>
 *   <tr><td>sender_signature</td><td>BINARY (eth 65, near 64 bytes)</td><td>yes</td></tr>
 *   <tr><td>sender_public_key</td><td>OPTIONAL BINARY (eth: absent; near: 32 bytes)</td><td>per
 *       chain</td></tr>
 *   <tr><td>type</td><td>ENUM {@link MutationType}</td><td>yes</td></tr>
 *   <tr><td>data</td><td>BINARY, the canonical {@link Payload} of that type</td><td>yes</td></tr>
 * </table>
 *
 * The two signature fields are not signed; the other six are, through {@link SigningHash}.
 * Immutable; the byte arrays are copied in and out.
 */
public final class Mutation {
  public static final long VERSION = 1;

  /** Largest encoded mutation (bytes). */
  public static final int MAX_ENCODED = 64 << 20;

  /** Payment chains with a signature scheme. */
  public static final Set<String> PAYMENT_CHAINS = Set.of("eth", "near");

  private final long version;
  private final long chainId;
  private final String paymentChain;
  private final long nonce;
  private final byte[] signature;
  private final byte[] publicKey;
  private final MutationType type;
  private final byte[] data;

  public Mutation(
      long version,
      long chainId,
      String paymentChain,
      long nonce,
      byte[] signature,
      byte[] publicKey,
      MutationType type,
      byte[] data) {
    this.version = version;
    this.chainId = chainId;
    this.paymentChain = paymentChain;
    this.nonce = nonce;
    this.signature = signature.clone();
    this.publicKey = publicKey == null ? null : publicKey.clone();
    this.type = type;
    this.data = data.clone();
  }

  /** An unsigned mutation (empty signature) of the current version, to be signed. */
  public static Mutation unsigned(long chainId, String paymentChain, long nonce, Payload payload) {
    return new Mutation(
        VERSION, chainId, paymentChain, nonce, new byte[0], null, payload.type(), payload.encode());
  }

  public Mutation withSignature(byte[] signature, byte[] publicKey) {
    return new Mutation(version, chainId, paymentChain, nonce, signature, publicKey, type, data);
  }

  public long version() {
    return version;
  }

  public long chainId() {
    return chainId;
  }

  public String paymentChain() {
    return paymentChain;
  }

  public long nonce() {
    return nonce;
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** Null when absent. */
  public byte[] publicKey() {
    return publicKey == null ? null : publicKey.clone();
  }

  public MutationType type() {
    return type;
  }

  public byte[] data() {
    return data.clone();
  }

  /** Decodes {@link #data()} as the payload of {@link #type()}. */
  public Payload payload() {
    return Payload.decode(type, data, "data");
  }

  /** The 32-byte SHA-256 Merkle root that the sender signs. */
  public byte[] signingRoot() {
    return SigningHash.root(version, chainId, paymentChain, nonce, type, data);
  }

  /** The canonical binary encoding (fields in the table's order, PLAIN). */
  public byte[] encode() {
    Plain.Writer w = new Plain.Writer();
    w.u32(version).u64(chainId).string(paymentChain).u64(nonce).bytes(signature);
    w.bool(publicKey != null);
    if (publicKey != null) {
      w.bytes(publicKey);
    }
    w.string(type.name()).bytes(data);
    return w.toBytes();
  }

  /**
   * Decodes the envelope and checks version, payment chain and type; the payload is checked by
   * {@link #payload()}. Errors name the field ({@code version}, {@code type}, …).
   */
  public static Mutation decode(byte[] bytes) {
    if (bytes.length > MAX_ENCODED) {
      throw new FormatException(
          "mutation", bytes.length + " bytes exceed the limit " + MAX_ENCODED);
    }
    Plain.Reader r = new Plain.Reader(bytes);
    long version = r.u32("version");
    if (version != VERSION) {
      throw new UnsupportedValueException(
          "version", "unsupported version " + version + " (this node: 1)");
    }
    long chainId = r.u64("chain_id");
    String chain = r.string("sender_payment_chain_id", 32);
    if (!PAYMENT_CHAINS.contains(chain)) {
      throw new UnsupportedValueException(
          "sender_payment_chain_id", "unknown payment chain '" + chain + "' (eth, near)");
    }
    long nonce = r.u64("nonce");
    byte[] sig = r.bytes("sender_signature", 1024);
    byte[] pk = r.bool("sender_public_key") ? r.bytes("sender_public_key", 1024) : null;
    MutationType type = MutationType.parse(r.string("type", 64), "type");
    byte[] data = r.bytes("data", MAX_ENCODED);
    r.end("mutation");
    return new Mutation(version, chainId, chain, nonce, sig, pk, type, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mutation m && Arrays.equals(encode(), m.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "Mutation["
        + type
        + " chain="
        + paymentChain
        + " nonce="
        + Long.toUnsignedString(nonce)
        + " root="
        + HexFormat.of().formatHex(signingRoot())
        + "]";
  }
}
