package io.cvmavs.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanCursorTest {
  private final List<long[]> scanned = new ArrayList<>();
  private long head = 100;
  private int headAsked;

  private boolean advance(ScanCursor c, long upTo) {
    return c.advance(
        upTo,
        () -> {
          headAsked++;
          return head;
        },
        (from, to) -> scanned.add(new long[] {from, to}));
  }

  @Test
  void scansFromTheFirstBlockUpToTheHeightAskedAndNeverPastIt() {
    ScanCursor c = new ScanCursor(10);
    assertThat(c.scannedTo()).isEqualTo(9);

    assertThat(advance(c, 50)).isTrue();
    assertThat(scanned).containsExactly(new long[] {10, 50});
    assertThat(c.scannedTo()).isEqualTo(50);
  }

  @Test
  void neverPastTheHeadAndABlockMinedLaterIsStillScanned() {
    ScanCursor c = new ScanCursor(10);
    head = 40;
    assertThat(advance(c, 80)).isTrue();
    assertThat(c.scannedTo()).isEqualTo(40);

    head = 60; // blocks 41..60 mined since
    assertThat(advance(c, 80)).isTrue();
    assertThat(scanned).containsExactly(new long[] {10, 40}, new long[] {41, 60});
    assertThat(c.scannedTo()).isEqualTo(60);
  }

  @Test
  void eachCallScansOnlyNewBlocksAndAsksTheHeadOnlyWhenThereAreAny() {
    ScanCursor c = new ScanCursor(0);
    advance(c, 30);
    assertThat(headAsked).isEqualTo(1);

    assertThat(advance(c, 30)).isFalse();
    assertThat(advance(c, 20)).isFalse();
    assertThat(headAsked).isEqualTo(1);

    assertThat(advance(c, 35)).isTrue();
    assertThat(scanned).containsExactly(new long[] {0, 30}, new long[] {31, 35});
  }

  @Test
  void aHeadBehindWhatWasScannedScansNothing() {
    ScanCursor c = new ScanCursor(0);
    advance(c, 50);
    head = 45; // a node that lags behind the one asked before
    assertThat(advance(c, 70)).isFalse();
    assertThat(c.scannedTo()).isEqualTo(50);
    assertThat(scanned).hasSize(1);
  }

  @Test
  void aFailedScanMarksNothing() {
    ScanCursor c = new ScanCursor(5);
    assertThatThrownBy(
            () ->
                c.advance(
                    20,
                    () -> head,
                    (from, to) -> {
                      throw new IllegalStateException("eth_getLogs refused");
                    }))
        .hasMessageContaining("refused");
    assertThat(c.scannedTo()).isEqualTo(4);

    assertThat(advance(c, 20)).isTrue();
    assertThat(scanned).containsExactly(new long[] {5, 20});
  }

  @Test
  void aNegativeFirstBlockIsRefused() {
    assertThatThrownBy(() -> new ScanCursor(-1)).hasMessageContaining("fromBlock must be >= 0");
  }
}
