package io.cvmavs.chainbasedb.signature;

import io.cvmavs.chainbasedb.format.Identity;

/**
 * The native signature scheme of one payment chain. Stateless and thread-safe: validators verify
 * many mutations in parallel.
 */
public interface SignatureScheme {
  /** The {@code sender_payment_chain_id} this scheme serves. */
  String chain();

  /**
   * Checks {@code signature} (and {@code publicKey}, null when absent) over the 32-byte signing
   * root and returns the sender's {@code db3_user} identity.
   *
   * @throws SignatureException naming {@code sender_signature} or {@code sender_public_key}
   */
  Identity verify(byte[] root, byte[] signature, byte[] publicKey);

  /** The scheme for a payment chain ({@code eth}, {@code near}). */
  static SignatureScheme forChain(String chain) {
    return switch (chain) {
      case "eth" -> EthPersonalSign.INSTANCE;
      case "near" -> Ed25519Scheme.INSTANCE;
      default -> throw new SignatureException("sender_payment_chain_id", "no scheme for " + chain);
    };
  }
}
