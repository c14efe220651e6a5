package io.cvmavs.cvm.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void encodesEachTypeAsDocumented() {
    assertThat(HEX.formatHex(CanonicalEncoding.encode())).isEqualTo("00000000");
    assertThat(HEX.formatHex(CanonicalEncoding.encode((Object) null))).isEqualTo("0000000100");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(true))).isEqualTo("0101");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(false))).isEqualTo("0100");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(-2L))).isEqualTo("02fffffffffffffffe");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(258))).isEqualTo("020000000000000102");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(new BigDecimal("-12.3400"))))
        .isEqualTo("0300000006" + HEX.formatHex("-12.34".getBytes()));
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(1.0d))).isEqualTo("043ff0000000000000");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField("é"))).isEqualTo("0500000002c3a9");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(new byte[] {(byte) 0xab})))
        .isEqualTo("0600000001ab");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(Instant.ofEpochSecond(1, 2_500))))
        .isEqualTo("0700000000000f4242");
    assertThat(HEX.formatHex(CanonicalEncoding.encodeField(LocalDate.of(1970, 1, 3))))
        .isEqualTo("080000000000000002");
  }

  @Test
  void valueEqualInputsEncodeIdentically() {
    assertThat(CanonicalEncoding.encode(new BigDecimal("1.50")))
        .isEqualTo(CanonicalEncoding.encode(new BigDecimal("1.5")));
    assertThat(CanonicalEncoding.encode(new BigDecimal("0.000")))
        .isEqualTo(CanonicalEncoding.encode(BigDecimal.ZERO));
    assertThat(CanonicalEncoding.encode(new BigDecimal("1E+3")))
        .isEqualTo(CanonicalEncoding.encode(BigInteger.valueOf(1000)));
    assertThat(CanonicalEncoding.encode(-0.0d)).isEqualTo(CanonicalEncoding.encode(0.0d));
    assertThat(CanonicalEncoding.encode(Double.longBitsToDouble(0x7ff0000000000123L)))
        .isEqualTo(CanonicalEncoding.encode(Double.NaN));
    assertThat(CanonicalEncoding.encode(3)).isEqualTo(CanonicalEncoding.encode(3L));
    assertThat(CanonicalEncoding.encode(LocalDateTime.of(2024, 1, 2, 3, 4, 5)))
        .isEqualTo(CanonicalEncoding.encode(Instant.parse("2024-01-02T03:04:05Z")));
  }

  @Test
  void fieldBoundariesCannotBeShifted() {
    // ("ab","c") vs ("a","bc") and null vs empty string are different records.
    assertThat(CanonicalEncoding.encode("ab", "c"))
        .isNotEqualTo(CanonicalEncoding.encode("a", "bc"));
    assertThat(CanonicalEncoding.encode((Object) null)).isNotEqualTo(CanonicalEncoding.encode(""));
    assertThat(CanonicalEncoding.encode("1")).isNotEqualTo(CanonicalEncoding.encode(1L));
    assertThat(CanonicalEncoding.encode(List.of("a", "b")))
        .isEqualTo(CanonicalEncoding.encode("a", "b"));
  }

  @Test
  void nestedValuesAreRefusedWithTheColumnIndex() {
    assertThatThrownBy(() -> CanonicalEncoding.encode("x", Map.of("a", 1)))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("field 1")
        .hasMessageContaining("JSON strings");
  }
}
