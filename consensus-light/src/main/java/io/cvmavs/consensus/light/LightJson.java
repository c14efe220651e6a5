package io.cvmavs.consensus.light;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import io.cvmavs.consensus.proto.version.Consensus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads light blocks in the JSON shapes CometBFT's RPC returns: {@code /commit}'s {@code
 * signed_header} (hashes in hex, signatures in base64, heights as strings or numbers, the block
 * id's part set under {@code parts} or {@code part_set_header}, {@code last_block_id} possibly
 * {@code null}) and {@code /validators}' {@code {validators: [...]}} (Ed25519 keys as {@code
 * {"type": "tendermint/PubKeyEd25519", "value": base64}}). Every error names the JSON path.
 */
public final class LightJson {
  private static final String ED25519 = "tendermint/PubKeyEd25519";

  private LightJson() {}

  /**
   * A light-block file {@code {"signed_header": …, "validator_set": …, "next_validator_set": …}};
   * either validator set may be absent ({@code null} in the result). An RPC envelope's {@code
   * result} is unwrapped.
   */
  public static LightBlock lightBlock(JsonNode root, String where) throws InputException {
    JsonNode node = root.has("result") && !root.has("signed_header") ? root.get("result") : root;
    if (!node.isObject()) {
      throw new InputException(where + ": expected a JSON object");
    }
    SignedHeader sh =
        signedHeader(required(node, "signed_header", where), where + ".signed_header");
    ValidatorSet vals = optionalSet(node, "validator_set", where);
    ValidatorSet next = optionalSet(node, "next_validator_set", where);
    return new LightBlock(sh, vals, next);
  }

  private static ValidatorSet optionalSet(JsonNode node, String field, String where)
      throws InputException {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : validatorSet(n, where + "." + field);
  }

  public static SignedHeader signedHeader(JsonNode node, String where) throws InputException {
    return new SignedHeader(
        header(required(node, "header", where), where + ".header"),
        commit(required(node, "commit", where), where + ".commit"));
  }

  public static Header header(JsonNode n, String where) throws InputException {
    JsonNode version = required(n, "version", where);
    return Header.newBuilder()
        .setVersion(
            Consensus.newBuilder()
                .setBlock(uint(version, "block", where + ".version"))
                .setApp(optionalUint(version, "app", where + ".version")))
        .setChainId(text(n, "chain_id", where))
        .setHeight(integer(n, "height", where))
        .setTime(time(n, "time", where))
        .setLastBlockId(blockId(n.get("last_block_id"), where + ".last_block_id"))
        .setLastCommitHash(hex(n, "last_commit_hash", where))
        .setDataHash(hex(n, "data_hash", where))
        .setValidatorsHash(hex(n, "validators_hash", where))
        .setNextValidatorsHash(hex(n, "next_validators_hash", where))
        .setConsensusHash(hex(n, "consensus_hash", where))
        .setAppHash(hex(n, "app_hash", where))
        .setLastResultsHash(hex(n, "last_results_hash", where))
        .setEvidenceHash(hex(n, "evidence_hash", where))
        .setProposerAddress(hex(n, "proposer_address", where))
        .build();
  }

  public static Commit commit(JsonNode n, String where) throws InputException {
    Commit.Builder c =
        Commit.newBuilder()
            .setHeight(integer(n, "height", where))
            .setRound(int32(n, "round", where))
            .setBlockId(blockId(required(n, "block_id", where), where + ".block_id"));
    JsonNode sigs = n.get("signatures");
    if (sigs == null || sigs.isNull()) {
      return c.build();
    }
    if (!sigs.isArray()) {
      throw new InputException(where + ".signatures: expected an array");
    }
    for (int i = 0; i < sigs.size(); i++) {
      JsonNode s = sigs.get(i);
      String at = where + ".signatures[" + i + "]";
      long flag = integer(s, "block_id_flag", at);
      BlockIDFlag f = BlockIDFlag.forNumber((int) flag);
      if (f == null || f == BlockIDFlag.BLOCK_ID_FLAG_UNKNOWN) {
        throw new InputException(at + ".block_id_flag: unknown flag " + flag);
      }
      CommitSig.Builder sig = CommitSig.newBuilder().setBlockIdFlag(f);
      if (f != BlockIDFlag.BLOCK_ID_FLAG_ABSENT) {
        sig.setValidatorAddress(hex(s, "validator_address", at))
            .setTimestamp(time(s, "timestamp", at))
            .setSignature(base64(s, "signature", at));
      }
      c.addSignatures(sig);
    }
    return c.build();
  }

  /** {@code {validators: [...]}} (a {@code /validators} result or a light-block validator set). */
  public static ValidatorSet validatorSet(JsonNode n, String where) throws InputException {
    JsonNode list = required(n, "validators", where);
    if (!list.isArray()) {
      throw new InputException(where + ".validators: expected an array");
    }
    List<Validator> vals = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i);
      String at = where + ".validators[" + i + "]";
      JsonNode key = required(v, "pub_key", at);
      String type = text(key, "type", at + ".pub_key");
      if (!ED25519.equals(type)) {
        throw new InputException(
            at + ".pub_key: unsupported key type '" + type + "' (only Ed25519)");
      }
      byte[] pk = base64(key, "value", at + ".pub_key").toByteArray();
      if (pk.length != 32) {
        throw new InputException(
            at + ".pub_key: Ed25519 key of " + pk.length + " bytes, expected 32");
      }
      vals.add(
          new Validator(hex(v, "address", at).toByteArray(), pk, integer(v, "voting_power", at)));
    }
    try {
      return new ValidatorSet(vals);
    } catch (IllegalArgumentException e) {
      throw new InputException(where + ": " + e.getMessage(), e);
    }
  }

  private static BlockID blockId(JsonNode n, String where) throws InputException {
    if (n == null || n.isNull()) {
      return BlockID.newBuilder().setPartSetHeader(PartSetHeader.getDefaultInstance()).build();
    }
    JsonNode parts = n.has("parts") ? n.get("parts") : n.get("part_set_header");
    PartSetHeader.Builder psh = PartSetHeader.newBuilder();
    if (parts != null && !parts.isNull()) {
      psh.setTotal(int32(parts, "total", where + ".parts"))
          .setHash(hex(parts, "hash", where + ".parts"));
    }
    return BlockID.newBuilder().setHash(hex(n, "hash", where)).setPartSetHeader(psh).build();
  }

  private static JsonNode required(JsonNode n, String field, String where) throws InputException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new InputException(where + "." + field + ": missing");
    }
    return v;
  }

  private static String text(JsonNode n, String field, String where) throws InputException {
    JsonNode v = required(n, field, where);
    if (!v.isTextual()) {
      throw new InputException(where + "." + field + ": expected a string");
    }
    return v.asText();
  }

  private static long integer(JsonNode n, String field, String where) throws InputException {
    JsonNode v = required(n, field, where);
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText());
      } catch (NumberFormatException e) {
        throw new InputException(
            where + "." + field + ": '" + v.asText() + "' is not an integer", e);
      }
    }
    throw new InputException(where + "." + field + ": expected an integer");
  }

  private static int int32(JsonNode n, String field, String where) throws InputException {
    long v = integer(n, field, where);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InputException(where + "." + field + ": " + v + " does not fit in 32 bits");
    }
    return (int) v;
  }

  private static long uint(JsonNode n, String field, String where) throws InputException {
    long v = integer(n, field, where);
    if (v < 0) {
      throw new InputException(where + "." + field + ": negative");
    }
    return v;
  }

  private static long optionalUint(JsonNode n, String field, String where) throws InputException {
    return n.has(field) && !n.get(field).isNull() ? uint(n, field, where) : 0;
  }

  private static Timestamp time(JsonNode n, String field, String where) throws InputException {
    String s = text(n, field, where);
    try {
      Instant t = Instant.parse(s);
      return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    } catch (DateTimeParseException e) {
      throw new InputException(where + "." + field + ": '" + s + "' is not an RFC 3339 time", e);
    }
  }

  private static ByteString hex(JsonNode n, String field, String where) throws InputException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return ByteString.EMPTY;
    }
    try {
      return ByteString.copyFrom(HexFormat.of().parseHex(v.asText()));
    } catch (IllegalArgumentException e) {
      throw new InputException(where + "." + field + ": '" + v.asText() + "' is not hex", e);
    }
  }

  private static ByteString base64(JsonNode n, String field, String where) throws InputException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return ByteString.EMPTY;
    }
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(v.asText()));
    } catch (IllegalArgumentException e) {
      throw new InputException(where + "." + field + ": not base64", e);
    }
  }

  /** Upper-case hex, as CometBFT prints hashes. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }
}
