package io.cvmavs.storage.anchor;

import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.recover.Recovery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rebuilds a CVM block store from the on-chain anchors alone: every group is fetched from one
 * backend by the locator its anchor names and checked against the anchor (heights, group hash, data
 * and audit roots) before its blocks are applied ({@link Recovery#fromAnchors}).
 */
public final class AnchorRecovery {
  private AnchorRecovery() {}

  public static Recovery.Result recover(
      StorageBackend backend, List<AnchoredGroup> anchors, CvmBlockStore store) {
    List<AnchoredGroup> sorted = new ArrayList<>(anchors);
    sorted.sort(Comparator.comparingLong(AnchoredGroup::firstHeight));
    List<Recovery.Expected> expected = new ArrayList<>();
    for (AnchoredGroup a : sorted) {
      String locator =
          a.locatorOn(backend.name())
              .orElseThrow(
                  () ->
                      new BackendException(
                          "the anchor of the group at "
                              + a.heights()
                              + " (transaction "
                              + a.transactionHash()
                              + ") names no locator on backend '"
                              + backend.name()
                              + "' (it names "
                              + String.join(
                                  ", ",
                                  a.locators().stream()
                                      .map(io.cvmavs.storage.group.PreviousLocator::backend)
                                      .toList())
                              + ")",
                          false));
      expected.add(
          new Recovery.Expected(
              locator,
              a.firstHeight(),
              a.lastHeight(),
              a.fileSize(),
              a.groupHash(),
              a.dataRoot(),
              a.auditRoot()));
    }
    return Recovery.fromAnchors(backend, expected, store);
  }
}
