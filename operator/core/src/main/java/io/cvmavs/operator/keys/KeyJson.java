package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import org.web3j.utils.Numeric;

/**
 * JSON shapes printed by the keys commands. Numbers are 0x-prefixed 32-byte hex; G2 coordinates are
 * in EVM order (imaginary part first: {@code x: [x.a1, x.a0]}), as the contracts take them.
 */
final class KeyJson {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private KeyJson() {}

  static String hex(BigInteger value) {
    return Numeric.toHexStringWithPrefixZeroPadded(value, 64);
  }

  static ObjectNode g1(G1Point p) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("x", hex(p.x()));
    node.put("y", hex(p.y()));
    return node;
  }

  static ObjectNode g2(G2Point p) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode x = node.putArray("x");
    for (BigInteger c : p.evmX()) {
      x.add(hex(c));
    }
    ArrayNode y = node.putArray("y");
    for (BigInteger c : p.evmY()) {
      y.add(hex(c));
    }
    return node;
  }

  static ObjectNode blsPublic(BlsKeyPair key) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "bls");
    node.set("pubkeyG1", g1(key.publicKeyG1()));
    node.set("pubkeyG2", g2(key.publicKeyG2()));
    node.put("operatorId", Numeric.toHexString(key.operatorId()));
    return node;
  }

  static ObjectNode ecdsaPublic(String address) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "ecdsa");
    node.put("address", address);
    return node;
  }

  static ObjectNode ed25519Public(io.cvmavs.crypto.keystore.Ed25519Keystore.Key key) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", "ed25519");
    node.put("publicKey", key.publicKeyHex());
    return node;
  }
}
