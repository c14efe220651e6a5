package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The relayer's progress, persisted in {@code <dir>/relayer-state.json} with write-then-rename and
 * fsync ({@link DurableFiles#replace}) after every submission, so a restart resumes where it
 * stopped. The contract stays the truth: a height already on chain is never sent again whatever
 * this file says; the file only spares re-reading certificates and keeps the counters.
 *
 * @param contract the {@code CvmCheckpoints} address this progress belongs to (lower case)
 * @param scannedHeight the last CVM height looked at (0: none)
 * @param lastSubmittedHeight the last height this relayer got accepted (0: none)
 * @param lastWithdrawalsRoot the withdrawals root of the last checkpoint seen on chain by us
 * @param submitted checkpoints this relayer got accepted
 * @param lostRaces checkpoints another relayer landed first
 * @param lastGas gas used by this relayer's last accepted submission
 */
public record RelayerState(
    String contract,
    long scannedHeight,
    long lastSubmittedHeight,
    Optional<byte[]> lastWithdrawalsRoot,
    long submitted,
    long lostRaces,
    long lastGas) {
  static final String FILE = "relayer-state.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static RelayerState initial(String contract) {
    return new RelayerState(contract.toLowerCase(Locale.ROOT), 0, 0, Optional.empty(), 0, 0, 0);
  }

  RelayerState scanned(long h) {
    return new RelayerState(
        contract, h, lastSubmittedHeight, lastWithdrawalsRoot, submitted, lostRaces, lastGas);
  }

  RelayerState accepted(long h, byte[] withdrawalsRoot, long gas) {
    return new RelayerState(
        contract, h, h, Optional.of(withdrawalsRoot.clone()), submitted + 1, lostRaces, gas);
  }

  RelayerState lostRace(long h, byte[] withdrawalsRoot) {
    return new RelayerState(
        contract,
        h,
        lastSubmittedHeight,
        Optional.of(withdrawalsRoot.clone()),
        submitted,
        lostRaces + 1,
        lastGas);
  }

  /** Reads {@code dir}'s state; a missing file is the initial state for {@code contract}. */
  public static RelayerState load(Path dir, String contract) {
    Path file = dir.resolve(FILE);
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return initial(contract);
    } catch (IOException e) {
      throw new RelayerException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonNode o = JSON.readTree(raw);
      String c = text(o, "contract", file);
      if (!c.equalsIgnoreCase(contract)) {
        throw new RelayerException(
            file
                + " is the progress of CvmCheckpoints "
                + c
                + ", not of "
                + contract
                + ": use another data directory");
      }
      String root = o.path("last_withdrawals_root").asText("");
      return new RelayerState(
          c,
          number(o, "scanned_height", file),
          number(o, "last_submitted_height", file),
          root.isEmpty()
              ? Optional.empty()
              : Optional.of(HexFormat.of().parseHex(root.substring(2))),
          number(o, "submitted", file),
          number(o, "lost_races", file),
          number(o, "last_gas", file));
    } catch (IOException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw new RelayerException(file + " is not a relayer state file: " + e.getMessage(), e);
    }
  }

  /** Writes this state to {@code dir} (temp file, fsync, rename, fsync the folder). */
  public void save(Path dir) {
    ObjectNode o = JSON.createObjectNode();
    o.put("contract", contract);
    o.put("scanned_height", scannedHeight);
    o.put("last_submitted_height", lastSubmittedHeight);
    o.put(
        "last_withdrawals_root",
        lastWithdrawalsRoot.map(r -> "0x" + HexFormat.of().formatHex(r)).orElse(""));
    o.put("submitted", submitted);
    o.put("lost_races", lostRaces);
    o.put("last_gas", lastGas);
    try {
      DurableFiles.replace(
          dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    } catch (IOException e) {
      throw new RelayerException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  public JsonNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("contract", contract);
    o.put("scanned_height", scannedHeight);
    o.put("last_submitted_height", lastSubmittedHeight);
    o.put("submitted", submitted);
    o.put("lost_races", lostRaces);
    o.put("last_gas", lastGas);
    return o;
  }

  private static String text(JsonNode o, String field, Path file) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode o, String field, Path file) {
    JsonNode v = o.get(field);
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException("field '" + field + "' is missing or not a count >= 0");
    }
    return v.asLong();
  }
}
