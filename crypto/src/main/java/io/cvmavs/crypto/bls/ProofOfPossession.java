package io.cvmavs.crypto.bls;

import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.crypto.bn254.Pairing;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The proof of possession an operator submits with its BLS public key (eigenlayer-middleware {@code
 * BLSApkRegistry.registerBLSPublicKey}): σ = sk·H where H = hashToG1(EIP-712 digest of {@code
 * BN254PubkeyRegistration(address operator)}), checked with γ = keccak256(σ.X ‖ σ.Y ‖ pk.X ‖ pk.Y ‖
 * pkG2.X[0] ‖ pkG2.X[1] ‖ pkG2.Y[0] ‖ pkG2.Y[1] ‖ H.X ‖ H.Y) mod r as e(σ + γ·pk, −G2) · e(H +
 * γ·G1, pkG2) = 1.
 */
public final class ProofOfPossession {
  /** keccak256("BN254PubkeyRegistration(address operator)"). */
  public static final byte[] TYPEHASH =
      Hash.sha3("BN254PubkeyRegistration(address operator)".getBytes(StandardCharsets.US_ASCII));

  private ProofOfPossession() {}

  /**
   * The EIP-712 digest keccak256(0x1901 ‖ domainSeparator ‖ keccak256(abi.encode(TYPEHASH,
   * operator))). The domain separator is the registry contract's (read it on chain, or compute it
   * from its name, version, chain id and address).
   */
  public static byte[] registrationDigest(byte[] domainSeparator, String operatorAddress) {
    if (domainSeparator.length != 32) {
      throw new MalformedEncodingException(
          "domain separator must be 32 bytes, got " + domainSeparator.length);
    }
    byte[] addr = Numeric.hexStringToByteArray(operatorAddress);
    if (addr.length != 20) {
      throw new MalformedEncodingException("operator address must be 20 bytes, got " + addr.length);
    }
    byte[] struct = new byte[64];
    System.arraycopy(TYPEHASH, 0, struct, 0, 32);
    System.arraycopy(addr, 0, struct, 44, 20);
    byte[] msg = new byte[66];
    msg[0] = 0x19;
    msg[1] = 0x01;
    System.arraycopy(domainSeparator, 0, msg, 2, 32);
    System.arraycopy(Hash.sha3(struct), 0, msg, 34, 32);
    return Hash.sha3(msg);
  }

  /**
   * The message point H = hashToG1(digest) (what the contract's {@code
   * pubkeyRegistrationMessageHash} returns).
   */
  public static G1Point messagePoint(byte[] registrationDigest) {
    return HashToG1.hash(registrationDigest);
  }

  /** σ = sk·H. */
  public static G1Point sign(BlsKeyPair key, byte[] registrationDigest) {
    return key.signPoint(messagePoint(registrationDigest));
  }

  /** The registry's check, bit for bit. */
  public static boolean verify(
      G1Point publicKeyG1, G2Point publicKeyG2, G1Point signature, G1Point messagePoint) {
    publicKeyG1.requireNotInfinity("public key (G1)");
    publicKeyG2.requireNotInfinity("public key (G2)");
    signature.requireNotInfinity("proof-of-possession signature");
    byte[] buf = new byte[64 + 64 + 128 + 64];
    signature.writeTo(buf, 0);
    publicKeyG1.writeTo(buf, 64);
    publicKeyG2.writeEvmTo(buf, 128);
    messagePoint.writeTo(buf, 256);
    BigInteger gamma = new BigInteger(1, Hash.sha3(buf)).mod(Bn254.R);
    G1Point left = signature.add(publicKeyG1.mul(gamma));
    G1Point right = messagePoint.add(G1Point.GENERATOR.mul(gamma));
    return Pairing.check(
        new G1Point[] {left, right},
        new G2Prepared[] {G2Prepared.NEG_GENERATOR, G2Prepared.of(publicKeyG2)});
  }
}
