package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.chain.bridge.CheckpointData;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.HexFormat;

/**
 * A CVM chain certificate as {@code abci_query /certificate/<h>} returns it: the checkpoint of
 * height h, the aggregate BLS signature (G1), the signers' aggregate key (G2, EVM order) and the
 * little-endian signer bitmap over the set that signed h. Parsing checks shapes and curve
 * membership only; {@link CertificateCheck} decides whether it may be sent.
 */
public record RelayCertificate(
    Checkpoint checkpoint, G1Point sigma, G2Point apkG2, byte[] signerBitmap) {
  public RelayCertificate {
    signerBitmap = signerBitmap.clone();
  }

  @Override
  public byte[] signerBitmap() {
    return signerBitmap.clone();
  }

  public long height() {
    return checkpoint.height();
  }

  /** The checkpoint in chain-io's shape, for the contract call. */
  public CheckpointData data() {
    return new CheckpointData(
        checkpoint.height(),
        checkpoint.appHash(),
        checkpoint.cvmBlockHash(),
        checkpoint.cumulativeRoot(),
        checkpoint.withdrawalsRoot(),
        checkpoint.nextValidatorSetHash());
  }

  /**
   * @throws RelayerException.Refused naming the field when the answer is malformed, not of height
   *     {@code height}, or carries a point that is not on its curve
   */
  public static RelayCertificate parse(JsonNode json, long height) {
    try {
      long h = field(json, "height").asLong(-1);
      if (h != height || !field(json, "height").canConvertToLong()) {
        throw new RelayerException.Refused(
            height, "the answer is the certificate of height " + field(json, "height"));
      }
      Checkpoint cp =
          new Checkpoint(
              h,
              hex(json, "app_hash"),
              hex(json, "cvm_block_hash"),
              hex(json, "cumulative_root"),
              hex(json, "withdrawals_root"),
              hex(json, "next_validator_set_hash"));
      G1Point sigma = G1Point.fromBytes(hex(json, "aggregate_signature"));
      G2Point apkG2 = G2Point.fromEvmBytes(hex(json, "aggregate_public_key_g2"));
      return new RelayCertificate(cp, sigma, apkG2, hex(json, "signer_bitmap"));
    } catch (RelayerException.Refused e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RelayerException.Refused(height, "malformed certificate: " + e.getMessage());
    }
  }

  private static JsonNode field(JsonNode json, String name) {
    JsonNode v = json.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("field '" + name + "' is missing");
    }
    return v;
  }

  private static byte[] hex(JsonNode json, String name) {
    String s = field(json, name).asText();
    if (!s.startsWith("0x")) {
      throw new IllegalArgumentException("field '" + name + "' is not 0x-prefixed hex: " + s);
    }
    try {
      return HexFormat.of().parseHex(s.substring(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field '" + name + "' is not hex: " + e.getMessage(), e);
    }
  }
}
