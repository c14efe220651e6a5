package io.cvmavs.storage.arweave;

import static io.cvmavs.storage.arweave.ArweaveWallet.B64;
import static io.cvmavs.storage.arweave.ArweaveWallet.UNB64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.storage.chunk.ArweaveMerkle;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A signed Arweave format-2 transaction carrying a data payload (no transfer). Signature message:
 * {@code deepHash(["2", owner, target, quantity, reward, last_tx, [[name, value]…], data_size,
 * data_root])}; {@code id = base64url(SHA-256(signature))}. The JSON form ({@link #toJson}) is what
 * {@code POST /tx} takes (without the data, which goes up as chunks) and what the outbox persists:
 * a retry re-posts exactly these bytes (RSA-PSS salts are random, so signing again would make
 * another transaction).
 */
public record ArweaveTx(
    String id,
    byte[] lastTx,
    byte[] owner,
    List<Tag> tags,
    String reward,
    long dataSize,
    byte[] dataRoot,
    byte[] signature) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A tag (UTF-8 name and value). */
  public record Tag(String name, String value) {}

  public ArweaveTx {
    tags = List.copyOf(tags);
  }

  /** Builds and signs a transaction for {@code data}. */
  public static ArweaveTx sign(
      ArweaveWallet wallet, byte[] data, List<Tag> tags, byte[] lastTx, String reward) {
    byte[] dataRoot = ArweaveMerkle.dataRoot(data);
    byte[] owner = wallet.owner();
    byte[] message = signatureData(owner, tags, reward, lastTx, data.length, dataRoot);
    byte[] signature = wallet.sign(message);
    return new ArweaveTx(
        idOf(signature), lastTx, owner, tags, reward, data.length, dataRoot, signature);
  }

  static byte[] signatureData(
      byte[] owner, List<Tag> tags, String reward, byte[] lastTx, long dataSize, byte[] dataRoot) {
    List<Object> tagList = new ArrayList<>();
    for (Tag t : tags) {
      tagList.add(List.of(utf8(t.name()), utf8(t.value())));
    }
    return DeepHash.of(
        List.of(
            utf8("2"),
            owner,
            new byte[0],
            utf8("0"),
            utf8(reward),
            lastTx,
            tagList,
            utf8(Long.toString(dataSize)),
            dataRoot));
  }

  static String idOf(byte[] signature) {
    try {
      return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(signature));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks the id, the signature and (when {@code data} is given) the size and data_root; throws
   * {@link IllegalArgumentException} naming the field that is wrong.
   */
  public void verify(byte[] data) {
    if (!idOf(signature).equals(id)) {
      throw new IllegalArgumentException("Arweave tx field 'id' is not SHA-256 of its signature");
    }
    try {
      PublicKey pub =
          KeyFactory.getInstance("RSA")
              .generatePublic(
                  new RSAPublicKeySpec(new BigInteger(1, owner), BigInteger.valueOf(65537)));
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(ArweaveWallet.PSS);
      s.initVerify(pub);
      s.update(signatureData(owner, tags, reward, lastTx, dataSize, dataRoot));
      if (!s.verify(signature)) {
        throw new IllegalArgumentException(
            "Arweave tx " + id + " field 'signature' does not verify against 'owner'");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Arweave tx " + id + " field 'owner' is not an RSA key: " + e.getMessage());
    }
    if (data != null) {
      if (data.length != dataSize) {
        throw new IllegalArgumentException(
            "Arweave tx " + id + " field 'data_size' is " + dataSize + ", data has " + data.length);
      }
      if (!Arrays.equals(ArweaveMerkle.dataRoot(data), dataRoot)) {
        throw new IllegalArgumentException(
            "Arweave tx " + id + " field 'data_root' does not match the data");
      }
    }
  }

  /** The tag's value, or null. */
  public String tag(String name) {
    return tags.stream()
        .filter(t -> t.name().equals(name))
        .map(Tag::value)
        .findFirst()
        .orElse(null);
  }

  /** The {@code POST /tx} body; {@code data} is included base64url when given, else "". */
  public ObjectNode toJson(byte[] data) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", 2);
    n.put("id", id);
    n.put("last_tx", B64.encodeToString(lastTx));
    n.put("owner", B64.encodeToString(owner));
    ArrayNode t = n.putArray("tags");
    for (Tag tag : tags) {
      t.addObject()
          .put("name", B64.encodeToString(utf8(tag.name())))
          .put("value", B64.encodeToString(utf8(tag.value())));
    }
    n.put("target", "");
    n.put("quantity", "0");
    n.put("data", data == null ? "" : B64.encodeToString(data));
    n.put("data_size", Long.toString(dataSize));
    n.put("data_root", B64.encodeToString(dataRoot));
    n.put("reward", reward);
    n.put("signature", B64.encodeToString(signature));
    return n;
  }

  /** Reads the JSON form back; the message names a missing or malformed field. */
  public static ArweaveTx fromJson(JsonNode n) {
    try {
      if (n.path("format").asInt() != 2) {
        throw new IllegalArgumentException("field 'format' must be 2");
      }
      List<Tag> tags = new ArrayList<>();
      for (JsonNode t : field(n, "tags")) {
        tags.add(
            new Tag(
                new String(UNB64.decode(t.path("name").asText()), StandardCharsets.UTF_8),
                new String(UNB64.decode(t.path("value").asText()), StandardCharsets.UTF_8)));
      }
      return new ArweaveTx(
          field(n, "id").asText(),
          UNB64.decode(field(n, "last_tx").asText()),
          UNB64.decode(field(n, "owner").asText()),
          tags,
          field(n, "reward").asText(),
          Long.parseLong(field(n, "data_size").asText()),
          UNB64.decode(field(n, "data_root").asText()),
          UNB64.decode(field(n, "signature").asText()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an Arweave format-2 transaction: " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("field '" + name + "' is missing");
    }
    return v;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
