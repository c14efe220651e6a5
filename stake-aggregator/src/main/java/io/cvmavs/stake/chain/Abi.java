package io.cvmavs.stake.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Calldata encoding (web3j's ABI types) and a small reader for the return shapes the aggregator
 * needs (words, {@code address[]}, static-tuple arrays, {@code uint256[][]}), with errors that name
 * the call.
 */
final class Abi {
  private Abi() {}

  /** {@code selector(signature) ‖ abi.encode(args)}. */
  @SuppressWarnings({"rawtypes", "unchecked"}) // web3j's encodeConstructor takes a raw List<Type>
  static String call(String signature, List<? extends Type<?>> args) {
    byte[] selector = Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII));
    String encodedArgs =
        args.isEmpty() ? "" : FunctionEncoder.encodeConstructor((List<Type>) (List) args);
    return Numeric.toHexString(selector, 0, 4, true) + encodedArgs;
  }

  static String topic(String eventSignature) {
    return Numeric.toHexString(Hash.sha3(eventSignature.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Return data of one call. */
  static final class Words {
    private final String what;
    private final byte[] data;

    Words(String what, String hex) {
      this.what = what;
      this.data = Numeric.hexStringToByteArray(hex == null ? "0x" : hex);
    }

    int words() {
      return data.length / 32;
    }

    BigInteger uint(int byteOffset) {
      check(byteOffset, 32);
      byte[] w = new byte[32];
      System.arraycopy(data, byteOffset, w, 0, 32);
      return new BigInteger(1, w);
    }

    BigInteger int256(int byteOffset) {
      check(byteOffset, 32);
      byte[] w = new byte[32];
      System.arraycopy(data, byteOffset, w, 0, 32);
      return new BigInteger(w);
    }

    byte[] bytes32(int byteOffset) {
      check(byteOffset, 32);
      byte[] w = new byte[32];
      System.arraycopy(data, byteOffset, w, 0, 32);
      return w;
    }

    String address(int byteOffset) {
      check(byteOffset, 32);
      return Numeric.toHexString(data, byteOffset + 12, 20, true).toLowerCase(Locale.ROOT);
    }

    int offset(int byteOffset) {
      BigInteger o = uint(byteOffset);
      if (o.bitLength() > 31 || o.intValue() > data.length) {
        throw malformed("offset " + o + " outside " + data.length + " bytes");
      }
      return o.intValue();
    }

    /** Top-level dynamic array of static elements of {@code wordsPerItem} words: start, length. */
    int[] array(int headOffset, int wordsPerItem) {
      int start = offset(headOffset);
      int n = offset(start);
      check(start + 32, n * 32 * wordsPerItem);
      return new int[] {start + 32, n};
    }

    List<String> addressArray() {
      int[] a = array(0, 1);
      List<String> out = new ArrayList<>(a[1]);
      for (int i = 0; i < a[1]; i++) {
        out.add(address(a[0] + 32 * i));
      }
      return out;
    }

    /** {@code uint256[][]} returned alone. */
    List<List<BigInteger>> uintMatrix() {
      int[] outer = array(0, 1);
      int base = outer[0];
      List<List<BigInteger>> rows = new ArrayList<>(outer[1]);
      for (int i = 0; i < outer[1]; i++) {
        int rowStart = base + offset(base + 32 * i);
        int m = offset(rowStart);
        check(rowStart + 32, m * 32);
        List<BigInteger> row = new ArrayList<>(m);
        for (int j = 0; j < m; j++) {
          row.add(uint(rowStart + 32 + 32 * j));
        }
        rows.add(row);
      }
      return rows;
    }

    private void check(int offset, int length) {
      if (offset < 0 || length < 0 || (long) offset + length > data.length) {
        throw malformed(
            "needs bytes " + offset + ".." + ((long) offset + length) + " of " + data.length);
      }
    }

    private ChainReadException malformed(String detail) {
      return new ChainReadException("malformed return data of " + what + ": " + detail);
    }
  }
}
