package io.cvmavs.storage.recover;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.GroupFormatException;
import io.cvmavs.storage.group.PayloadCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds a CVM block store from a backend: from a list of receipts (as anchored on chain) or by
 * walking back from the newest group's locator through each header's previous locator on that
 * backend. Every file is checked (receipt size and hash when there is a receipt; always the group
 * hash and every block hash while decoding), groups are applied oldest first, and blocks the store
 * already has are skipped; the store itself refuses a block that does not extend its chain.
 */
public final class Recovery {
  private Recovery() {}

  /** What was restored. */
  public record Result(int groups, int blocksAppended, long bytes, long millis) {
    public double blocksPerSecond() {
      return millis == 0 ? blocksAppended * 1000.0 : blocksAppended * 1000.0 / millis;
    }
  }

  /** From receipts, in chain order (oldest first). */
  public static Result fromReceipts(
      StorageBackend backend, List<Receipt> receipts, CvmBlockStore store) {
    long start = System.nanoTime();
    List<BlockGroup> groups = new ArrayList<>();
    long bytes = 0;
    for (Receipt r : receipts) {
      byte[] file =
          backend
              .get(r)
              .orElseThrow(
                  () ->
                      new BackendException(
                          backend.name() + " does not have group " + r.locator(), true));
      bytes += file.length;
      groups.add(BlockGroup.parse(file));
    }
    return apply(groups, store, bytes, start);
  }

  /**
   * What an on-chain anchor says about one group: where it is on the backend and what its content
   * must hash to (heights, group hash, Arweave data root and audit root of the whole file).
   */
  public record Expected(
      String locator,
      long firstHeight,
      long lastHeight,
      long fileSize,
      byte[] groupHash,
      byte[] dataRoot,
      byte[] auditRoot) {}

  /**
   * From anchors (oldest first): each file is fetched by its locator and must match its anchor —
   * heights, group hash, and the data and audit roots, which together bind every byte of the file —
   * before its blocks are applied; a mismatch names the group and the field.
   */
  public static Result fromAnchors(
      StorageBackend backend, List<Expected> anchors, CvmBlockStore store) {
    long start = System.nanoTime();
    List<BlockGroup> groups = new ArrayList<>();
    long bytes = 0;
    for (Expected e : anchors) {
      String what =
          "group at heights "
              + e.firstHeight()
              + ".."
              + e.lastHeight()
              + " ("
              + backend.name()
              + " "
              + e.locator()
              + ")";
      byte[] file =
          backend
              .get(e.locator())
              .orElseThrow(
                  () -> new BackendException(backend.name() + " does not have the " + what, true));
      bytes += file.length;
      if (file.length != e.fileSize()) {
        throw new BackendException(
            what
                + ": "
                + file.length
                + " bytes, the anchor says "
                + e.fileSize()
                + (file.length < e.fileSize() ? " (truncated download)" : ""),
            true);
      }
      BlockGroup g = BlockGroup.parse(file);
      if (g.header().firstHeight() != e.firstHeight()
          || g.header().lastHeight() != e.lastHeight()) {
        throw new GroupFormatException(
            what
                + ": the file holds heights "
                + g.header().firstHeight()
                + ".."
                + g.header().lastHeight());
      }
      mustEqual(what, "group hash", g.header().groupHash(), e.groupHash());
      mustEqual(what, "data root", g.dataRoot(), e.dataRoot());
      mustEqual(what, "audit root", g.auditRoot(), e.auditRoot());
      groups.add(g);
    }
    return apply(groups, store, bytes, start);
  }

  private static void mustEqual(String what, String field, byte[] have, byte[] anchored) {
    if (!java.util.Arrays.equals(have, anchored)) {
      throw new GroupFormatException(
          what
              + ": its "
              + field
              + " "
              + java.util.HexFormat.of().formatHex(have)
              + " differs from the anchored "
              + java.util.HexFormat.of().formatHex(anchored));
    }
  }

  /** Walking back from {@code newestLocator} until a group names no previous one on the backend. */
  public static Result walkBack(StorageBackend backend, String newestLocator, CvmBlockStore store) {
    long start = System.nanoTime();
    List<BlockGroup> groups = new ArrayList<>();
    long bytes = 0;
    String locator = newestLocator;
    while (locator != null) {
      String at = locator;
      byte[] file =
          backend
              .get(at)
              .orElseThrow(
                  () -> new BackendException(backend.name() + " does not have group " + at, true));
      bytes += file.length;
      BlockGroup g = BlockGroup.parse(file);
      groups.add(g);
      locator = g.header().previousOn(backend.name());
      if (groups.size() > 1_000_000) {
        throw new GroupFormatException("previous locators loop at " + at);
      }
    }
    Collections.reverse(groups);
    return apply(groups, store, bytes, start);
  }

  private static Result apply(
      List<BlockGroup> groups, CvmBlockStore store, long bytes, long start) {
    int appended = 0;
    for (BlockGroup g : groups) {
      PayloadCodec.Decoded d = g.decode();
      byte[] m = store.putManuscript(d.manuscript());
      Optional<CvmBlockHeader> head = store.head(m);
      for (CvmBlock b : d.blocks()) {
        if (head.isPresent() && b.header().height() <= head.get().height()) {
          byte[] have = store.blockHashAt(m, b.header().height()).orElse(null);
          if (!java.util.Arrays.equals(have, b.hash())) {
            throw new GroupFormatException(
                "block "
                    + b.header().height()
                    + " from the backend differs from the one in the store (a fork)");
          }
          continue; // already stored
        }
        store.append(b);
        appended++;
      }
    }
    return new Result(groups.size(), appended, bytes, (System.nanoTime() - start) / 1_000_000);
  }
}
