package io.cvmavs.stake.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConsensusKeyTest {
  /** Validator of the real CometBFT v0.38 kvstore node in ../shared/testdata (genesis.json). */
  @Test
  void addressMatchesCometBftFixture() {
    ConsensusKey k =
        ConsensusKey.of(Base64.getDecoder().decode("bNNlGls5R25wC3Sd8720F/3+7IZBhXcD22MNFtPk/v0="));
    assertThat(k.addressHex()).isEqualTo("2DD9F44FD9067555C322243C3C913BA7B51D2BE0");
    assertThat(k.base64()).isEqualTo("bNNlGls5R25wC3Sd8720F/3+7IZBhXcD22MNFtPk/v0=");
    assertThat(k.isValidPoint()).isTrue();
    assertThat(ConsensusKey.ofHex(k.hex())).isEqualTo(k);
  }

  @Test
  void rejectsWrongLengthAndNonHex() {
    assertThatThrownBy(() -> ConsensusKey.of(new byte[31]))
        .isInstanceOf(ValidatorSetException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> ConsensusKey.ofHex("0x" + "zz".repeat(32)))
        .isInstanceOf(ValidatorSetException.class)
        .hasMessageContaining("not hex");
  }

  @Test
  void keccakLikeBytesAreUsuallyNotCurvePoints() {
    // y = 2 is not the y-coordinate of any ed25519 point (x² has no root): full validation refuses.
    byte[] b = new byte[32];
    b[0] = 2;
    assertThat(ConsensusKey.of(b).isValidPoint()).isFalse();
    // The all-zero encoding is y = 0, a point of small order: refused too.
    assertThat(ConsensusKey.of(new byte[32]).isValidPoint()).isFalse();
  }
}
