package io.cvmavs.cvm.task;

import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.cvm.proof.Keccak;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a task's manuscript hash through the on-chain registry: the entry must exist and not be
 * revoked; its file is taken from the on-disk cache or fetched from the locator, and accepted only
 * when keccak-256 of the bytes is the manuscript hash and SHA-256 the registered content hash; then
 * it is validated for this CVM ({@link AttestedManuscript#load}). Fetched files are cached under
 * {@code cacheDir/<hash>.yaml} (write-then-rename, fsync) and checked again on every read. Every
 * refusal is a {@link TaskRefusedException} with the reason.
 */
public final class ManuscriptResolver {
  private static final Logger LOG = LoggerFactory.getLogger(ManuscriptResolver.class);

  private final ManuscriptDirectory directory;
  private final ManuscriptFetcher fetcher;
  private final Path cacheDir;
  private final String chain;

  /**
   * @param chain the chain this CVM ingests (a manuscript reading another is kept, refused)
   */
  public ManuscriptResolver(
      ManuscriptDirectory directory, ManuscriptFetcher fetcher, Path cacheDir, String chain) {
    this.directory = directory;
    this.fetcher = fetcher;
    this.cacheDir = cacheDir;
    this.chain = chain;
  }

  /**
   * The registry's entry of {@code hash}; empty when it has none. A revoked entry is refused.
   *
   * @throws TaskRefusedException {@code REVOKED_MANUSCRIPT}
   */
  public Optional<ManuscriptDirectory.Listing> check(byte[] hash) {
    Optional<ManuscriptDirectory.Listing> l = directory.find(hash);
    if (l.isPresent() && l.get().status() == ManuscriptDirectory.Status.REVOKED) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.REVOKED_MANUSCRIPT,
          "manuscript " + hex(hash) + " is revoked in the manuscript registry");
    }
    return l;
  }

  /**
   * The manuscript of {@code hash}, fetched (or read from the cache) and checked.
   *
   * @throws TaskRefusedException unregistered, revoked, fetch failure or hash mismatch
   */
  public AttestedManuscript resolve(byte[] hash) {
    ManuscriptDirectory.Listing l =
        check(hash)
            .orElseThrow(
                () ->
                    new TaskRefusedException(
                        TaskRefusedException.Reason.UNREGISTERED_MANUSCRIPT,
                        "manuscript "
                            + hex(hash)
                            + " is not registered in the manuscript registry"));
    Path cached = cacheDir.resolve(HexFormat.of().formatHex(hash) + ".yaml");
    byte[] bytes = null;
    if (Files.isRegularFile(cached)) {
      try {
        byte[] c = Files.readAllBytes(cached);
        if (mismatch(hash, l, c).isEmpty()) {
          bytes = c;
        } else {
          LOG.warn("cached manuscript {} no longer matches; fetching it again", cached);
        }
      } catch (IOException e) {
        LOG.warn("cannot read cached manuscript {}: {}; fetching it again", cached, e.toString());
      }
    }
    if (bytes == null) {
      try {
        bytes = fetcher.fetch(l.locator());
      } catch (ManuscriptFetcher.FetchException e) {
        throw new TaskRefusedException(
            TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
            "manuscript " + hex(hash) + " cannot be fetched: " + e.getMessage());
      }
      Optional<String> bad = mismatch(hash, l, bytes);
      if (bad.isPresent()) {
        throw new TaskRefusedException(
            TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
            "manuscript " + hex(hash) + " from " + l.locator() + ": " + bad.get());
      }
      try {
        DurableFiles.replace(cached, bytes);
      } catch (IOException e) {
        LOG.warn("cannot cache manuscript {} at {}: {}", hex(hash), cached, e.toString());
      }
    }
    return AttestedManuscript.load(chain, l.locator(), bytes);
  }

  /** Why {@code bytes} are not the registered manuscript, empty when they are. */
  static Optional<String> mismatch(byte[] hash, ManuscriptDirectory.Listing l, byte[] bytes) {
    byte[] k = Keccak.hash(bytes);
    if (!Arrays.equals(k, hash)) {
      return Optional.of("keccak-256 of the " + bytes.length + " bytes fetched is " + hex(k));
    }
    byte[] s = sha256(bytes);
    if (!Arrays.equals(s, l.contentHash())) {
      return Optional.of(
          "SHA-256 of the bytes fetched is "
              + hex(s)
              + ", the registry's content hash "
              + hex(l.contentHash()));
    }
    return Optional.empty();
  }

  /** SHA-256, the registry's content hash of a manuscript file. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }
}
