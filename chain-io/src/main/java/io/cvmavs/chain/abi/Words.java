package io.cvmavs.chain.abi;

import io.cvmavs.chain.ChainException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ABI-encoded return data word by word (for shapes web3j's decoder does not handle, such as
 * {@code uint32[][]}). Offsets are relative to the start of the enclosing tuple, as the ABI says.
 */
public final class Words {
  private final byte[] data;
  private final String what;

  public Words(String hex, String what) {
    this.data = Numbers.bytes(hex);
    this.what = what;
    if (data.length % 32 != 0) {
      throw new ChainException(
          what + ": return data is not whole words (" + data.length + " bytes)");
    }
  }

  public BigInteger word(int byteOffset) {
    if (byteOffset < 0 || byteOffset + 32 > data.length) {
      throw new ChainException(what + ": return data too short (need word at " + byteOffset + ")");
    }
    byte[] w = new byte[32];
    System.arraycopy(data, byteOffset, w, 0, 32);
    return new BigInteger(1, w);
  }

  public int offset(int byteOffset) {
    return word(byteOffset).intValueExact();
  }

  /** A {@code uintN[]} whose encoding starts at {@code at} (length word first). */
  public List<Long> uintArray(int at) {
    int n = offset(at);
    List<Long> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(word(at + 32 + 32 * i).longValueExact());
    }
    return out;
  }

  /** A {@code uintN[][]} whose encoding starts at {@code at}. */
  public List<List<Long>> uintArrayArray(int at) {
    int n = offset(at);
    int base = at + 32;
    List<List<Long>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(uintArray(base + offset(base + 32 * i)));
    }
    return out;
  }
}
