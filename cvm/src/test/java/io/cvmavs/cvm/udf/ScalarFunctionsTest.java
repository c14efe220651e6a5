package io.cvmavs.cvm.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScalarFunctionsTest {
  @Test
  void bigNumberMathIsExactAndCanonical() {
    String big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    assertThat(new BigNumbers.Add().eval(big, "1"))
        .isEqualTo(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936");
    assertThat(new BigNumbers.Subtract().eval("1.50", "0.5")).isEqualTo("1");
    assertThat(new BigNumbers.Multiply().eval("2.5", "4")).isEqualTo("10");
    assertThat(new BigNumbers.Divide().eval("1", "3"))
        .isEqualTo("0.3333333333333333333333333333333333");
    assertThat(new BigNumbers.Divide().eval("10", "4")).isEqualTo("2.5");
    assertThat(new BigNumbers.Pow().eval("10", "18")).isEqualTo("1000000000000000000");
    assertThat(new BigNumbers.Pow().eval("2", 10)).isEqualTo("1024");
    assertThat(new BigNumbers.Add().eval(null, "1")).isNull();
  }

  @Test
  void badNumbersFailNamingTheFunction() {
    assertThatThrownBy(() -> new BigNumbers.Add().eval("1e", "1"))
        .isInstanceOf(UdfException.class)
        .hasMessage("Add: '1e' is not a decimal number");
    assertThatThrownBy(() -> new BigNumbers.Divide().eval("1", "0"))
        .hasMessage("Divide: division of 1 by zero");
    assertThatThrownBy(() -> new BigNumbers.Pow().eval("2", "-1"))
        .hasMessageContaining("outside 0..999");
  }

  @Test
  void jsonHelpers() {
    String json = "{\"a\":\"x\",\"n\":5,\"o\":{\"b\":[1,2]},\"z\":null}";
    assertThat(new JsonFunctions.JsonGet().eval(json, "a")).isEqualTo("x");
    assertThat(new JsonFunctions.JsonGet().eval(json, "n")).isEqualTo("5");
    assertThat(new JsonFunctions.JsonGet().eval(json, "o")).isEqualTo("{\"b\":[1,2]}");
    assertThat(new JsonFunctions.JsonGet().eval(json, "z")).isNull();
    assertThat(new JsonFunctions.JsonGet().eval("{broken", "a")).isNull();
    assertThat(new JsonFunctions.JsonArrayLength().eval("[1,2,3]")).isEqualTo(3);
    assertThat(new JsonFunctions.JsonArrayLength().eval(json)).isNull();
  }
}
