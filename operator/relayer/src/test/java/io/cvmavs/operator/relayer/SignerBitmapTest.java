package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignerBitmapTest {
  @Test
  void zeroBitsAreTheNonSignersInAscendingOrder() {
    // entries 0..9; bits set for 0, 2, 3, 8 (little-endian within each byte)
    byte[] bitmap = {(byte) 0b0000_1101, 0b0000_0001};
    assertThat(SignerBitmap.nonSigners(bitmap, 10)).containsExactly(1, 4, 5, 6, 7, 9);
  }

  @Test
  void everyoneSignedMeansNoIndices() {
    assertThat(SignerBitmap.nonSigners(new byte[] {0x0f}, 4)).isEmpty();
    assertThat(SignerBitmap.nonSigners(new byte[] {(byte) 0xff}, 8)).isEmpty();
  }

  @Test
  void matchesABitByBitReadingOnRandomBitmaps() {
    Random r = new Random(19);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(130);
      byte[] bitmap = new byte[(n + 7) / 8];
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (r.nextBoolean()) {
          bitmap[i >>> 3] |= (byte) (1 << (i & 7));
        } else {
          expected.add(i);
        }
      }
      assertThat(SignerBitmap.nonSigners(bitmap, n)).isEqualTo(expected);
    }
  }

  @Test
  void wrongLengthIsRefusedNamingBothSizes() {
    assertThatThrownBy(() -> SignerBitmap.nonSigners(new byte[2], 8))
        .hasMessage("signer bitmap has 2 bytes, a set of 8 needs 1");
    assertThatThrownBy(() -> SignerBitmap.nonSigners(new byte[0], 1))
        .hasMessage("signer bitmap has 0 bytes, a set of 1 needs 1");
  }

  @Test
  void aBitBeyondTheSetIsRefused() {
    assertThatThrownBy(() -> SignerBitmap.nonSigners(new byte[] {0x1f}, 4))
        .hasMessage("signer bitmap sets bit 4, beyond the set of 4");
  }
}
