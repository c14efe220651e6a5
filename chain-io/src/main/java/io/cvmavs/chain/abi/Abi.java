package io.cvmavs.chain.abi;

import io.cvmavs.chain.ChainException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

/**
 * Calldata from a canonical Solidity signature and web3j ABI values. The selector comes from the
 * signature string we write (so struct parameters need no web3j type-name support); the parameters
 * are encoded by web3j's {@link FunctionEncoder}.
 */
public final class Abi {
  private Abi() {}

  public static String selector(String canonicalSignature) {
    return topic(canonicalSignature).substring(0, 10);
  }

  public static String topic(String canonicalSignature) {
    return Numbers.hex(Hash.sha3(canonicalSignature.getBytes(StandardCharsets.UTF_8)));
  }

  public static String call(String canonicalSignature, List<? extends Type> params) {
    @SuppressWarnings("unchecked")
    List<Type> p = (List<Type>) params;
    return selector(canonicalSignature) + FunctionEncoder.encodeConstructor(p);
  }

  /** Decodes return data; {@code what} names the call in errors. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  public static List<Type> decode(String data, String what, TypeReference<?>... outputs) {
    List<TypeReference<Type>> refs = (List) List.of(outputs);
    List<Type> values = FunctionReturnDecoder.decode(data, refs);
    if (values.size() != outputs.length) {
      throw new ChainException(
          what
              + ": cannot decode return data "
              + abbreviate(data)
              + " into "
              + outputs.length
              + " values");
    }
    return values;
  }

  public static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
