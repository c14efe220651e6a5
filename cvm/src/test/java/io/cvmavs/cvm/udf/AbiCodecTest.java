package io.cvmavs.cvm.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/** Inputs are encoded with web3j's encoders (independent of the decoding path under test). */
class AbiCodecTest {
  static final String ERC20_ABI =
      """
      [{"type":"event","name":"Transfer","anonymous":false,"inputs":[
         {"indexed":true,"name":"from","type":"address"},{"indexed":true,"name":"to","type":"address"},
         {"indexed":false,"name":"value","type":"uint256"}]},
       {"type":"event","name":"Note","inputs":[
         {"indexed":true,"name":"tag","type":"string"},{"indexed":false,"name":"text","type":"string"},
         {"indexed":false,"name":"","type":"uint256[]"},{"indexed":false,"name":"ok","type":"bool"}]},
       {"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],
        "outputs":[{"name":"","type":"bool"}]}]
      """;
  static final String ALICE = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  static final String BOB = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

  static String topic(String address) {
    return "0x" + TypeEncoder.encode(new Address(address));
  }

  @Test
  void decodesAnErc20Transfer() {
    String topic0 =
        EventEncoder.encode(
            new Event(
                "Transfer",
                List.of(
                    TypeReference.create(Address.class, true),
                    TypeReference.create(Address.class, true),
                    TypeReference.create(Uint256.class))));
    String data =
        "0x" + TypeEncoder.encode(new Uint256(new BigInteger("123456789012345678901234567890")));
    assertThat(new AbiCodec(ERC20_ABI).decodeEvent(topic0, topic(ALICE), topic(BOB), null, data))
        .contains(
            "{\"from\":\""
                + ALICE
                + "\",\"to\":\""
                + BOB
                + "\",\"value\":\"123456789012345678901234567890\"}");
  }

  @Test
  void theStaticFastPathMatchesWeb3jDecoding() {
    String abi =
        """
        {"type":"event","name":"Mixed","inputs":[
          {"indexed":true,"name":"who","type":"address"},{"indexed":true,"name":"delta","type":"int256"},
          {"indexed":false,"name":"small","type":"int8"},{"indexed":false,"name":"flag","type":"bool"},
          {"indexed":false,"name":"tag","type":"bytes4"},{"indexed":false,"name":"amount","type":"uint128"},
          {"indexed":false,"name":"","type":"uint"}]}
        """;
    AbiCodec fast = new AbiCodec(abi, true);
    AbiCodec slow = new AbiCodec(abi, false);
    String topic0 =
        org.web3j.crypto.Hash.sha3String("Mixed(address,int256,int8,bool,bytes4,uint128,uint)");
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 200; i++) {
      BigInteger delta = new BigInteger(255, random).subtract(BigInteger.ONE.shiftLeft(254));
      String deltaTopic =
          "0x" + TypeEncoder.encode(new org.web3j.abi.datatypes.generated.Int256(delta));
      String data =
          "0x"
              + FunctionEncoder.encodeConstructor(
                  List.of(
                      new org.web3j.abi.datatypes.generated.Int8(random.nextInt(256) - 128),
                      new Bool(random.nextBoolean()),
                      new org.web3j.abi.datatypes.generated.Bytes4(
                          new byte[] {1, (byte) i, 3, (byte) 0xfe}),
                      new org.web3j.abi.datatypes.generated.Uint128(new BigInteger(128, random)),
                      new Uint256(new BigInteger(256, random))));
      assertThat(fast.decodeEvent(topic0, topic(ALICE), deltaTopic, null, data))
          .isPresent()
          .isEqualTo(slow.decodeEvent(topic0, topic(ALICE), deltaTopic, null, data));
    }
    // Words below 2^63 (read without BigInteger on the fast path), in lower and upper case.
    for (int i = 0; i < 300; i++) {
      long small = (random.nextLong() >>> 1) >>> random.nextInt(63);
      String deltaTopic =
          "0x"
              + TypeEncoder.encode(
                  new org.web3j.abi.datatypes.generated.Int256(BigInteger.valueOf(small)));
      String data =
          "0x"
              + FunctionEncoder.encodeConstructor(
                  List.of(
                      new org.web3j.abi.datatypes.generated.Int8(random.nextInt(128)),
                      new Bool(random.nextBoolean()),
                      new org.web3j.abi.datatypes.generated.Bytes4(
                          new byte[] {(byte) 0xab, (byte) i, 3, (byte) 0xfe}),
                      new org.web3j.abi.datatypes.generated.Uint128(
                          BigInteger.valueOf(small >>> random.nextInt(64))),
                      new Uint256(BigInteger.valueOf(small))));
      String upper = i % 2 == 0 ? data : "0x" + data.substring(2).toUpperCase(Locale.ROOT);
      String who =
          i % 3 == 0 ? topic(ALICE) : "0x" + topic(ALICE).substring(2).toUpperCase(Locale.ROOT);
      assertThat(fast.decodeEvent(topic0, who, deltaTopic, null, upper))
          .isPresent()
          .isEqualTo(slow.decodeEvent(topic0, who, deltaTopic, null, upper));
    }
    // A word wider than its declared type is read the way web3j reads it, on both paths.
    String wide =
        "0x"
            + "00".repeat(31)
            + "ff"
            + "00".repeat(31)
            + "01"
            + "00".repeat(32 * 3)
            + "ff".repeat(32);
    String wideInt8 = "0x" + "00".repeat(31) + "ff" + wide.substring(66);
    assertThat(fast.decodeEvent(topic0, topic(ALICE), topic(BOB), null, wideInt8))
        .isEqualTo(slow.decodeEvent(topic0, topic(ALICE), topic(BOB), null, wideInt8));
  }

  /** What {@code JSON_VALUE(json, '$.<field>')} reads (arrays: their JSON text), or null. */
  static String field(java.util.Optional<String> json, String field) throws Exception {
    if (json.isEmpty()) {
      return null;
    }
    com.fasterxml.jackson.databind.JsonNode node =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.get()).get(field);
    return node == null ? null : node.isValueNode() ? node.asText() : node.toString();
  }

  @Test
  void aFieldIsTheValueOfTheDecodedJson() throws Exception {
    String abi =
        """
        [{"type":"event","name":"Mixed","inputs":[
          {"indexed":true,"name":"who","type":"address"},{"indexed":true,"name":"delta","type":"int256"},
          {"indexed":false,"name":"small","type":"int8"},{"indexed":false,"name":"flag","type":"bool"},
          {"indexed":false,"name":"tag","type":"bytes4"},{"indexed":false,"name":"amount","type":"uint128"},
          {"indexed":false,"name":"","type":"uint"}]},
         {"type":"event","name":"Note","inputs":[
          {"indexed":true,"name":"tag","type":"string"},{"indexed":false,"name":"text","type":"string"},
          {"indexed":false,"name":"","type":"uint256[]"},{"indexed":false,"name":"ok","type":"bool"}]}]
        """;
    List<String> fields = List.of("who", "delta", "small", "flag", "tag", "amount", "arg6");
    AbiCodec codec = new AbiCodec(abi);
    String topic0 =
        org.web3j.crypto.Hash.sha3String("Mixed(address,int256,int8,bool,bytes4,uint128,uint)");
    java.util.Random random = new java.util.Random(6);
    List<String[]> logs = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      BigInteger delta =
          i % 2 == 0
              ? new BigInteger(255, random).subtract(BigInteger.ONE.shiftLeft(254))
              : BigInteger.valueOf(random.nextLong() >>> 1 >>> random.nextInt(63));
      String data =
          "0x"
              + FunctionEncoder.encodeConstructor(
                  List.of(
                      new org.web3j.abi.datatypes.generated.Int8(random.nextInt(256) - 128),
                      new Bool(random.nextBoolean()),
                      new org.web3j.abi.datatypes.generated.Bytes4(
                          new byte[] {(byte) 0xab, (byte) i, 3, (byte) 0xfe}),
                      new org.web3j.abi.datatypes.generated.Uint128(new BigInteger(128, random)),
                      new Uint256(new BigInteger(1 + random.nextInt(256), random))));
      String who =
          i % 3 == 0 ? topic(ALICE) : "0x" + topic(BOB).substring(2).toUpperCase(Locale.ROOT);
      logs.add(
          new String[] {
            topic0,
            who,
            "0x" + TypeEncoder.encode(new org.web3j.abi.datatypes.generated.Int256(delta)),
            null,
            i % 4 == 0 ? "0x" + data.substring(2).toUpperCase(Locale.ROOT) : data
          });
    }
    String ok = logs.get(1)[4]; // lower case
    // Logs that do not fit: short data, a missing or an extra topic, a non-hex word, a word wider
    // than its type (web3j's reading decides); another event; no topic0.
    logs.add(new String[] {topic0, topic(ALICE), topic(BOB), null, ok.substring(0, 100)});
    logs.add(new String[] {topic0, topic(ALICE), null, null, ok});
    logs.add(new String[] {topic0, topic(ALICE), topic(BOB), topic(BOB), ok});
    logs.add(new String[] {topic0, topic(ALICE), topic(BOB), null, ok.replace('a', 'x')});
    logs.add(
        new String[] {
          topic0, topic(ALICE), topic(BOB), null, "0x" + "00".repeat(31) + "ff" + ok.substring(66)
        });
    logs.add(new String[] {"0x" + "11".repeat(32), topic(ALICE), topic(BOB), null, ok});
    logs.add(new String[] {null, topic(ALICE), topic(BOB), null, ok});
    int present = 0;
    int decoded = 0;
    for (String[] l : logs) {
      java.util.Optional<String> json = codec.decodeEvent(l[0], l[1], l[2], l[3], l[4]);
      decoded += json.isPresent() ? 1 : 0;
      for (String f : fields) {
        java.util.Optional<String> value = codec.decodeEventField(f, l[0], l[1], l[2], l[3], l[4]);
        assertThat(value.orElse(null))
            .as("%s of %s", f, String.join(",", l[1], l[4]))
            .isEqualTo(field(json, f));
        present += value.isPresent() ? 1 : 0;
      }
    }
    // every field of every log that decodes, none of one that does not (the generated logs
    // decode; at least the short, missing-topic, extra-topic and other-event logs do not)
    assertThat(present).isEqualTo(decoded * fields.size());
    assertThat(decoded).isBetween(200, logs.size() - 5);
    // Dynamic parameters go through web3j: strings, an indexed string's hash, arrays as JSON.
    String note = org.web3j.crypto.Hash.sha3String("Note(string,string,uint256[],bool)");
    String tagHash = org.web3j.crypto.Hash.sha3String("tag");
    String data =
        "0x"
            + FunctionEncoder.encodeConstructor(
                List.of(
                    new Utf8String("h\"éllo"),
                    new DynamicArray<>(Uint256.class, new Uint256(1), new Uint256(2)),
                    new Bool(true)));
    assertThat(codec.decodeEventField("text", note, tagHash, null, null, data)).contains("h\"éllo");
    assertThat(codec.decodeEventField("tag", note, tagHash, null, null, data)).contains(tagHash);
    assertThat(codec.decodeEventField("arg2", note, tagHash, null, null, data))
        .contains("[\"1\",\"2\"]");
    assertThat(codec.decodeEventField("ok", note, tagHash, null, null, data)).contains("true");
    // A parameter of another event of the ABI: no value for this log.
    assertThat(codec.decodeEventField("text", topic0, topic(ALICE), logs.get(0)[2], null, ok))
        .isEmpty();
    assertThat(codec.hasEventParameter(note, "text")).isTrue();
    assertThat(codec.hasEventParameter(topic0, "text")).isFalse();
  }

  @Test
  void aFieldNoEventHasIsRefusedNamingItAndTheEvents() {
    assertThatThrownBy(
            () -> new AbiCodec(ERC20_ABI).decodeEventField("fro", null, null, null, null, null))
        .isInstanceOf(UdfException.class)
        .hasMessage(
            "no event of the ABI has a parameter 'fro' (its events: Note(tag, text, arg2, ok),"
                + " Transfer(from, to, value))");
    // a function's parameter is not an event's
    assertThatThrownBy(
            () -> new AbiCodec(ERC20_ABI).decodeEventField("amount", null, null, null, null, null))
        .hasMessageContaining("no event of the ABI has a parameter 'amount'");
    String fnOnly = "{\"type\":\"function\",\"name\":\"f\",\"inputs\":[]}";
    assertThatThrownBy(
            () -> new AbiCodec(fnOnly).decodeEventField("x", null, null, null, null, null))
        .hasMessage("no event of the ABI has a parameter 'x' (the ABI has no events)");
  }

  @Test
  void decodesDynamicTypesAndHashedIndexedStrings() {
    AbiCodec codec = new AbiCodec(ERC20_ABI);
    String topic0 = org.web3j.crypto.Hash.sha3String("Note(string,string,uint256[],bool)");
    String tagHash = org.web3j.crypto.Hash.sha3String("tag");
    String data =
        FunctionEncoder.encodeConstructor(
            List.of(
                new Utf8String("héllo"),
                new DynamicArray<>(Uint256.class, new Uint256(1), new Uint256(2)),
                new Bool(true)));
    assertThat(codec.decodeEvent(topic0, tagHash, null, null, "0x" + data))
        .contains(
            "{\"tag\":\"" + tagHash + "\",\"text\":\"héllo\",\"arg2\":[\"1\",\"2\"],\"ok\":true}");
  }

  @Test
  void logsThatDoNotFitGiveNothing() {
    AbiCodec codec = new AbiCodec(ERC20_ABI);
    String transfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    String word = "0x" + "00".repeat(31) + "01";
    assertThat(codec.decodeEvent("0x" + "11".repeat(32), topic(ALICE), topic(BOB), null, word))
        .isEmpty();
    // ERC-721 shape: 3 indexed topics, no data.
    assertThat(codec.decodeEvent(transfer, topic(ALICE), topic(BOB), word, "0x")).isEmpty();
    assertThat(codec.decodeEvent(transfer, topic(ALICE), null, null, word)).isEmpty();
    assertThat(codec.decodeEvent(null, null, null, null, null)).isEmpty();
  }

  @Test
  void decodesCallData() {
    String input =
        FunctionEncoder.encode(
            new Function("transfer", List.of(new Address(BOB), new Uint256(42)), List.of()));
    assertThat(new AbiCodec(ERC20_ABI).decodeFunction(input))
        .contains("{\"function\":\"transfer\",\"to\":\"" + BOB + "\",\"amount\":\"42\"}");
    assertThat(new AbiCodec(ERC20_ABI).decodeFunction("0x12345678")).isEmpty();
    assertThat(new AbiCodec(ERC20_ABI).decodeFunction(null)).isEmpty();
  }

  @Test
  void badAbisAreRefusedWithReasons() {
    assertThatThrownBy(() -> new AbiCodec("not json"))
        .isInstanceOf(UdfException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> new AbiCodec("42")).hasMessageContaining("JSON object or array");
    assertThatThrownBy(
            () ->
                new AbiCodec(
                    "{\"type\":\"event\",\"name\":\"E\",\"inputs\":[{\"name\":\"t\",\"type\":\"tuple\"}]}"))
        .hasMessageContaining("tuple parameters are not supported");
    assertThatThrownBy(
            () ->
                new AbiCodec(
                    "{\"type\":\"event\",\"name\":\"E\",\"inputs\":[{\"name\":\"x\",\"type\":\"uint7\"}]}"))
        .hasMessageContaining("cannot decode type 'uint7'");
  }
}
