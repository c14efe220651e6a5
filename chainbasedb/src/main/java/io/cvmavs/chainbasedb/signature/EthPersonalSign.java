package io.cvmavs.chainbasedb.signature;

import io.cvmavs.chainbasedb.format.Identity;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * {@code eth}: secp256k1 ECDSA over the signing root as an EIP-191 {@code personal_sign} message,
 * i.e. over keccak256("\x19Ethereum Signed Message:\n32" ‖ root), so any Ethereum wallet signs it
 * ({@code personal_sign} of the 32 root bytes, {@code cast wallet sign 0x<root>}). The signature is
 * 65 bytes r ‖ s ‖ v with v ∈ {27, 28}; s must be in the lower half (EIP-2); {@code
 * sender_public_key} is absent: the key is recovered, and the sender is {@code
 * db3_user:eth:<address>}.
 *
 * <p>Recovery computes Q = r⁻¹(s·R − e·G) with one BouncyCastle {@code sumOfTwoMultiplies} on the
 * secp256k1 curve with its GLV endomorphism (CustomNamedCurves). It costs the same as web3j's
 * {@code Sign} recovery (measured: docs/BENCHMARKS.md); what it adds is the strict checks (v,
 * range, low s) with field-naming errors. Tests compare it with web3j and with the EVM's ecrecover.
 */
public final class EthPersonalSign implements SignatureScheme {
  public static final EthPersonalSign INSTANCE = new EthPersonalSign();

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256k1");
  private static final ECCurve C = CURVE.getCurve();
  private static final BigInteger N = CURVE.getN();
  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final byte[] PREFIX =
      "\u0019Ethereum Signed Message:\n32".getBytes(StandardCharsets.US_ASCII);

  private EthPersonalSign() {}

  @Override
  public String chain() {
    return "eth";
  }

  /** keccak256("\x19Ethereum Signed Message:\n32" ‖ root): the digest that is signed. */
  public static byte[] personalDigest(byte[] root) {
    if (root.length != 32) {
      throw new IllegalArgumentException("a signing root is 32 bytes");
    }
    byte[] m = Arrays.copyOf(PREFIX, PREFIX.length + 32);
    System.arraycopy(root, 0, m, PREFIX.length, 32);
    return Hash.sha3(m);
  }

  /** Signs like a wallet's personal_sign (web3j's prefixed-message signer). */
  public static byte[] sign(ECKeyPair key, byte[] root) {
    Sign.SignatureData s = Sign.signPrefixedMessage(root, key);
    byte[] out = new byte[65];
    System.arraycopy(s.getR(), 0, out, 0, 32);
    System.arraycopy(s.getS(), 0, out, 32, 32);
    out[64] = s.getV()[0];
    return out;
  }

  public static Identity identityOf(ECKeyPair key) {
    return Identity.user("eth", "0x" + org.web3j.crypto.Keys.getAddress(key.getPublicKey()));
  }

  @Override
  public Identity verify(byte[] root, byte[] signature, byte[] publicKey) {
    if (publicKey != null) {
      throw new SignatureException(
          "sender_public_key", "must be absent for eth (the key is recovered from the signature)");
    }
    byte[] pub = recover(personalDigest(root), signature);
    byte[] address = Arrays.copyOfRange(Hash.sha3(pub), 12, 32);
    return Identity.user("eth", "0x" + HexFormat.of().formatHex(address));
  }

  /**
   * Recovers the 64-byte uncompressed public key (x ‖ y) from a 65-byte r ‖ s ‖ v signature over
   * {@code digest}.
   */
  public static byte[] recover(byte[] digest, byte[] signature) {
    if (signature.length != 65) {
      throw new SignatureException(
          "sender_signature", "an eth signature is 65 bytes (r, s, v), got " + signature.length);
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    int v = signature[64] & 0xFF;
    if (v != 27 && v != 28) {
      throw new SignatureException("sender_signature", "v must be 27 or 28, got " + v);
    }
    if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0 || s.compareTo(N) >= 0) {
      throw new SignatureException("sender_signature", "r or s is out of range [1, n)");
    }
    if (s.compareTo(HALF_N) > 0) {
      throw new SignatureException("sender_signature", "s is in the upper half of n (EIP-2)");
    }
    byte[] enc = new byte[33];
    enc[0] = (byte) (v == 27 ? 0x02 : 0x03);
    byte[] rb = Arrays.copyOfRange(signature, 0, 32);
    System.arraycopy(rb, 0, enc, 1, 32);
    ECPoint bigR;
    try {
      bigR = C.decodePoint(enc);
    } catch (IllegalArgumentException e) {
      throw new SignatureException("sender_signature", "r is not the x of a curve point");
    }
    BigInteger e = new BigInteger(1, digest);
    BigInteger rInv = r.modInverse(N);
    BigInteger a = s.multiply(rInv).mod(N);
    BigInteger b = N.subtract(e).multiply(rInv).mod(N);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(bigR, a, CURVE.getG(), b).normalize();
    if (q.isInfinity()) {
      throw new SignatureException("sender_signature", "recovers to the point at infinity");
    }
    byte[] full = q.getEncoded(false);
    return Arrays.copyOfRange(full, 1, 65);
  }
}
