package io.cvmavs.chainbasedb.format;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ids that the chain derives, so a client knows them before submitting (docs/DB3-FORMAT.md §7).
 *
 * <ul>
 *   <li>database: {@code db3_db:cvm:0x} + the last 20 bytes of SHA-256(UTF-8(sender identity) ‖
 *       UINT64 nonce ‖ UINT32 item), item = the payload's position in its group (0 when not a
 *       group);
 *   <li>document: the first 16 bytes of SHA-256(signing root ‖ UINT32 item ‖ UINT32 index), index =
 *       the document's position in its ADD_DOCUMENTS payload.
 * </ul>
 */
public final class DerivedIds {
  private DerivedIds() {}

  public static Identity database(Identity sender, long nonce, int item) {
    MessageDigest md = SigningHash.newSha256();
    md.update(sender.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    md.update(new Plain.Writer().u64(nonce).u32(item).toBytes());
    byte[] h = md.digest();
    return new Identity(
        Identity.Kind.DB, "cvm", "0x" + HexFormat.of().formatHex(Arrays.copyOfRange(h, 12, 32)));
  }

  public static byte[] document(byte[] signingRoot, int item, int index) {
    MessageDigest md = SigningHash.newSha256();
    md.update(signingRoot);
    md.update(new Plain.Writer().u32(item).u32(index).toBytes());
    return Arrays.copyOf(md.digest(), Payload.DOC_ID_LENGTH);
  }
}
