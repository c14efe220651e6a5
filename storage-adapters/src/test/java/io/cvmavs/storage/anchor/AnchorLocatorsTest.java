package io.cvmavs.storage.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.storage.group.PreviousLocator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorLocatorsTest {
  @Test
  void encodesSortedAndDecodesBack() {
    List<PreviousLocator> in =
        List.of(new PreviousLocator("s3", "ab"), new PreviousLocator("arweave", "xyz"));
    byte[] bytes = AnchorLocators.encode(in);
    // count 2 ‖ 7 "arweave" ‖ 0003 "xyz" ‖ 2 "s3" ‖ 0002 "ab"
    assertThat(HexFormat.of().formatHex(bytes))
        .isEqualTo(
            "02" + "07" + "61727765617665" + "0003" + "78797a" + "02" + "7333" + "0002" + "6162");
    assertThat(AnchorLocators.decode(bytes))
        .containsExactly(new PreviousLocator("arweave", "xyz"), new PreviousLocator("s3", "ab"));
  }

  @Test
  void refusesBadBytesNamingTheProblem() {
    byte[] ok = AnchorLocators.encode(List.of(new PreviousLocator("local", "abc")));
    assertThatThrownBy(() -> AnchorLocators.decode(java.util.Arrays.copyOf(ok, ok.length - 1)))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> AnchorLocators.decode(java.util.Arrays.copyOf(ok, ok.length + 1)))
        .hasMessageContaining("1 trailing bytes");
    assertThatThrownBy(() -> AnchorLocators.decode(new byte[0])).hasMessageContaining("empty");
    byte[] unsorted =
        HexFormat.of().parseHex("02" + "027333" + "000161" + "056c6f63616c" + "000162");
    assertThatThrownBy(() -> AnchorLocators.decode(unsorted)).hasMessageContaining("not sorted");
    assertThatThrownBy(
            () ->
                AnchorLocators.encode(
                    List.of(new PreviousLocator("s3", "a"), new PreviousLocator("s3", "b"))))
        .hasMessageContaining("two locators for backend 's3'");
  }
}
