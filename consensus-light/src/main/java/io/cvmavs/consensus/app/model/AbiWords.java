package io.cvmavs.consensus.app.model;

import io.cvmavs.cvm.proof.Keccak;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Solidity {@code abi.encode} of static values only (each value one 32-byte word: unsigned integers
 * left-padded, {@code bytes32} as is, addresses left-padded) and keccak256 over it — the whole of
 * what the checkpoint spec needs, as raw bytes for hashing. chain-io's {@code Abi} encodes calls
 * over web3j types into hex strings for RPC; the app hashes thousands of these words per block and
 * never sends them, so it keeps this byte-level form. {@code CheckpointVectorTest} cross-checks
 * these bytes against web3j's encoder.
 */
public final class AbiWords {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public static AbiWords of() {
    return new AbiWords();
  }

  public AbiWords uint(long value) {
    if (value < 0) {
      throw new AppException("cannot encode negative " + value + " as a uint word");
    }
    byte[] w = new byte[32];
    for (int i = 0; i < 8; i++) {
      w[31 - i] = (byte) (value >>> (8 * i));
    }
    out.writeBytes(w);
    return this;
  }

  public AbiWords uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new AppException("cannot encode " + value + " as a uint256 word");
    }
    byte[] b = value.toByteArray();
    byte[] w = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, w, 32 - n, n);
    out.writeBytes(w);
    return this;
  }

  public AbiWords bytes32(byte[] value) {
    if (value.length != 32) {
      throw new AppException("a bytes32 word needs 32 bytes, got " + value.length);
    }
    out.writeBytes(value);
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public byte[] keccak() {
    return Keccak.hash(out.toByteArray());
  }

  /** keccak256 of a string's UTF-8 bytes (type hashes, the chain id). */
  public static byte[] keccak(String text) {
    return Keccak.hash(text.getBytes(StandardCharsets.UTF_8));
  }
}
