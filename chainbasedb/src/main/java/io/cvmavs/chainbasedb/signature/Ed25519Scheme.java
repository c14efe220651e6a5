package io.cvmavs.chainbasedb.signature;

import io.cvmavs.chainbasedb.format.Identity;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * {@code near}: Ed25519 (RFC 8032, BouncyCastle) over the 32 root bytes themselves, no prefix.
 * {@code sender_public_key} is the 32-byte key and the sender is {@code db3_user:near:<hex key>} (a
 * NEAR implicit account id). This is not NEAR's NEP-413 {@code signMessage} envelope: a NEAR wallet
 * would need to sign the raw root.
 */
public final class Ed25519Scheme implements SignatureScheme {
  public static final Ed25519Scheme INSTANCE = new Ed25519Scheme();

  private Ed25519Scheme() {}

  @Override
  public String chain() {
    return "near";
  }

  public static byte[] sign(byte[] seed, byte[] root) {
    byte[] sig = new byte[64];
    new Ed25519PrivateKeyParameters(seed, 0)
        .sign(Ed25519.Algorithm.Ed25519, null, root, 0, 32, sig, 0);
    return sig;
  }

  public static byte[] publicKey(byte[] seed) {
    return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
  }

  @Override
  public Identity verify(byte[] root, byte[] signature, byte[] publicKey) {
    if (publicKey == null || publicKey.length != 32) {
      throw new SignatureException(
          "sender_public_key", "near needs the 32-byte Ed25519 public key");
    }
    if (signature.length != 64) {
      throw new SignatureException(
          "sender_signature", "an Ed25519 signature is 64 bytes, got " + signature.length);
    }
    boolean ok;
    try {
      ok = Ed25519.verify(signature, 0, publicKey, 0, root, 0, root.length);
    } catch (RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      throw new SignatureException("sender_signature", "Ed25519 signature does not verify");
    }
    return Identity.user("near", HexFormat.of().formatHex(publicKey));
  }
}
