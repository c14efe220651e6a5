package io.cvmavs.consensus.app.bridge;

import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * The withdrawal side's encodings (docs/BRIDGE.md, "Withdrawal"): the accumulator leaf that {@code
 * CBridge.claimWithdrawal} checks, the digest a CVM account signs, signing and recovering it, and
 * proofs with their trailing empty-subtree siblings left out (as the contract accepts them).
 */
public final class Withdrawals {
  /** {@code keccak256("CvmWithdraw(uint64 sequence,address recipient,uint256 amount)")}. */
  public static final byte[] WITHDRAW_TYPEHASH =
      AbiWords.keccak("CvmWithdraw(uint64 sequence,address recipient,uint256 amount)");

  private Withdrawals() {}

  /** {@code keccak256(abi.encode(uint64 nonce, address recipient, uint256 amount))}. */
  public static byte[] leaf(long nonce, byte[] recipient, BigInteger amount) {
    return AbiWords.of().uint(nonce).bytes32(word(recipient)).uint(amount).keccak();
  }

  /**
   * What the account signs: {@code keccak256(abi.encode(WITHDRAW_TYPEHASH,
   * keccak256(bytes(chainId)), sequence, recipient, amount))} (raw, no EIP-191 prefix).
   */
  public static byte[] digest(String chainId, long sequence, byte[] recipient, BigInteger amount) {
    return AbiWords.of()
        .bytes32(WITHDRAW_TYPEHASH)
        .bytes32(AbiWords.keccak(chainId))
        .uint(sequence)
        .bytes32(word(recipient))
        .uint(amount)
        .keccak();
  }

  /** r ‖ s ‖ v (65 bytes, v = 27 or 28) over {@code digest}. */
  public static byte[] sign(byte[] digest, ECKeyPair key) {
    Sign.SignatureData s = Sign.signMessage(digest, key, false);
    byte[] out = new byte[65];
    System.arraycopy(s.getR(), 0, out, 0, 32);
    System.arraycopy(s.getS(), 0, out, 32, 32);
    out[64] = s.getV()[0];
    return out;
  }

  /**
   * The 20-byte address that signed {@code digest}.
   *
   * @throws AppException for a signature that is not 65 bytes or does not recover
   */
  public static byte[] recover(byte[] digest, byte[] signature) {
    if (signature.length != 65) {
      throw new AppException("a withdraw signature has 65 bytes, got " + signature.length);
    }
    byte v = signature[64];
    if (v != 27 && v != 28) {
      throw new AppException("withdraw signature v must be 27 or 28, got " + (v & 0xff));
    }
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (s.compareTo(Sign.CURVE_PARAMS.getN().shiftRight(1)) > 0) {
      throw new AppException("withdraw signature s is in the upper half of the curve order");
    }
    try {
      BigInteger key =
          Sign.signedMessageHashToKey(
              digest,
              new Sign.SignatureData(
                  v, Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64)));
      return Keys.getAddress(org.web3j.utils.Numeric.toBytesPadded(key, 64));
    } catch (java.security.SignatureException | RuntimeException e) {
      throw new AppException("withdraw signature does not recover: " + e.getMessage());
    }
  }

  /** A 20-byte address as the 32-byte CVM account word (left-padded). */
  public static byte[] account(byte[] address) {
    return word(address);
  }

  /**
   * The proof of leaf {@code index} among {@code leaves} (bottom up), with the trailing siblings
   * that are empty subtrees left out, and the root it reaches.
   */
  public static Proof proof(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new AppException("no withdrawal " + index + " among " + leaves.size());
    }
    byte[][] full = new byte[IncrementalMerkleTree.DEPTH][];
    byte[] root = IncrementalMerkleTree.rootOf(leaves, index, full);
    int n = IncrementalMerkleTree.DEPTH;
    while (n > 0 && Arrays.equals(full[n - 1], IncrementalMerkleTree.zero(n - 1))) {
      n--;
    }
    List<byte[]> siblings = new ArrayList<>(Arrays.asList(full).subList(0, n));
    return new Proof(root, siblings);
  }

  /** The root a (possibly shortened) proof reaches, as {@code CvmAccumulator.computeRoot} does. */
  public static byte[] computeRoot(byte[] leaf, long index, List<byte[]> siblings) {
    byte[] n = leaf;
    for (int h = 0; h < IncrementalMerkleTree.DEPTH; h++) {
      byte[] s = h < siblings.size() ? siblings.get(h) : IncrementalMerkleTree.zero(h);
      n =
          ((index >>> h) & 1) == 0
              ? IncrementalMerkleTree.node(n, s)
              : IncrementalMerkleTree.node(s, n);
    }
    return n;
  }

  /** A withdrawal proof: siblings bottom up, trailing empty ones left out. */
  public record Proof(byte[] root, List<byte[]> siblings) {}

  private static byte[] word(byte[] address) {
    if (address.length == 32) {
      return address.clone();
    }
    if (address.length != 20) {
      throw new AppException("an address has 20 bytes, got " + address.length);
    }
    byte[] w = new byte[32];
    System.arraycopy(address, 0, w, 12, 20);
    return w;
  }
}
