import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.web3j.codegen.SolidityFunctionWrapper;
import org.web3j.protocol.core.methods.response.AbiDefinition;

/**
 * Build step of the contracts module (run by exec-maven-plugin as a single-file program): generates
 * web3j wrappers for every contract, interface and library whose source is under {@code
 * contracts/src/}, from forge's artifacts.
 *
 * <p>Usage: {@code java GenerateBindings.java <forge out dir> <source prefix> <java out dir>
 * <package>}. Skips the work when the artifacts' ABIs and bytecode are unchanged since the last run
 * (a stamp in the output folder).
 *
 * <p>web3j 5.0.2's generator cannot map a nested array inside a struct to Java types (e.g. {@code
 * uint32[][] nonSignerStakeIndices} in EigenLayer's {@code NonSignerStakesAndSignature}): it casts
 * the inner {@code List<BigInteger>} type to a class name and throws ClassCastException (web3j
 * issue #1925, fix proposed in pull request #2286, unreleased). Its Solidity-types mode fails on
 * the same contracts for another reason (arrays of structs, web3j issue #1995). Contracts with such
 * an ABI are therefore not handed to web3j at all; they are named in one line and in {@code
 * .skipped}, and the Java modules call them through hand-written ABI encoders. Any other generator
 * failure fails the build.
 */
public final class GenerateBindings {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: GenerateBindings <forge out dir> <source prefix> <java out dir> <package>");
      System.exit(2);
    }
    Path forgeOut = Path.of(args[0]);
    String sourcePrefix = args[1];
    Path javaOut = Path.of(args[2]);
    String packageName = args[3];

    Map<String, Artifact> artifacts = collect(forgeOut, sourcePrefix);
    if (artifacts.isEmpty()) {
      throw new IllegalStateException(
          "no forge artifacts for sources under " + sourcePrefix + " in " + forgeOut);
    }
    String fingerprint = fingerprint(artifacts, packageName);
    Path stamp = javaOut.resolve(".bindings.sha256");
    if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(fingerprint)) {
      System.out.println(
          "[bindings] up to date (" + artifacts.size() + " contracts), generation skipped");
      return;
    }
    deleteTree(javaOut);
    Files.createDirectories(javaOut);
    SolidityFunctionWrapper wrapper = new SolidityFunctionWrapper(true, false, false, 20);
    List<String> skipped = new ArrayList<>();
    for (Artifact artifact : artifacts.values()) {
      if (nestedArrayInStruct(artifact.abi())) {
        skipped.add(artifact.name());
        continue;
      }
      try {
        wrapper.generateJavaFiles(
            artifact.name(),
            artifact.bytecode(),
            artifact.abi(),
            javaOut.toString(),
            packageName,
            Map.of());
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "web3j codegen failed for "
                + artifact.name()
                + " ("
                + artifact.source()
                + "): "
                + e
                + "; if web3j cannot express this ABI, call the contract through a hand-written"
                + " encoder and teach GenerateBindings to leave it out",
            e);
      }
    }
    Files.writeString(javaOut.resolve(".skipped"), String.join("\n", skipped));
    Files.writeString(stamp, fingerprint);
    System.out.println(
        "[bindings] generated "
            + (artifacts.size() - skipped.size())
            + " web3j wrappers into "
            + javaOut
            + (skipped.isEmpty()
                ? ""
                : "; not generated (a nested array inside a struct, which web3j 5.0.2 cannot"
                    + " map; called through hand-written encoders): "
                    + skipped));
  }

  /** True when a struct in {@code abi} has a field of two or more array dimensions. */
  static boolean nestedArrayInStruct(List<AbiDefinition> abi) {
    for (AbiDefinition entry : abi) {
      for (List<AbiDefinition.NamedType> params :
          List.of(nullToEmpty(entry.getInputs()), nullToEmpty(entry.getOutputs()))) {
        for (AbiDefinition.NamedType param : params) {
          if (nestedArrayInStruct(param, false)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean nestedArrayInStruct(AbiDefinition.NamedType type, boolean inStruct) {
    if (inStruct && type.getType().indexOf('[') != type.getType().lastIndexOf('[')) {
      return true;
    }
    for (AbiDefinition.NamedType component : nullToEmpty(type.getComponents())) {
      if (nestedArrayInStruct(component, true)) {
        return true;
      }
    }
    return false;
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private record Artifact(
      String name, String source, String bytecode, List<AbiDefinition> abi, String rawAbi) {}

  private static Map<String, Artifact> collect(Path forgeOut, String sourcePrefix)
      throws IOException {
    Map<String, Artifact> byName = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(forgeOut)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonNode root = JSON.readTree(file.toFile());
      JsonNode abiNode = root.get("abi");
      // forge 1.x artifacts carry no AST by default; the source path is the metadata's compilation
      // target.
      JsonNode target = root.path("metadata").path("settings").path("compilationTarget");
      String source =
          target.isObject() && target.fieldNames().hasNext() ? target.fieldNames().next() : "";
      if (abiNode == null
          || !abiNode.isArray()
          || abiNode.isEmpty()
          || !source.startsWith(sourcePrefix)) {
        continue;
      }
      String name = file.getFileName().toString().replaceFirst("\\.json$", "");
      if (name.contains(".")) {
        continue; // forge writes <Name>.<version>.json when several compiler versions are in play;
        // keep one.
      }
      List<AbiDefinition> abi = new ArrayList<>();
      for (JsonNode entry : abiNode) {
        abi.add(JSON.treeToValue(entry, AbiDefinition.class));
      }
      abi = withoutErasureClashes(abi);
      String bytecode = root.path("bytecode").path("object").asText("0x");
      Artifact artifact = new Artifact(name, source, bytecode, abi, abiNode.toString());
      Artifact previous = byName.putIfAbsent(name, artifact);
      if (previous != null && !previous.source().equals(source)) {
        throw new IllegalStateException(
            "two contracts named "
                + name
                + " ("
                + previous.source()
                + ", "
                + source
                + "): rename one");
      }
    }
    return byName;
  }

  /**
   * Solidity overloads that differ only inside arrays of structs (EigenLayer v1.9+'s {@code
   * createOperatorSets(address,(uint32,address[])[])} and {@code
   * createOperatorSets(address,(uint32,address[],address)[])}) become Java methods with the same
   * erasure ({@code List}), which does not compile. Of each such group only the overload with the
   * longest canonical signature (the newer struct) gets a wrapper method; the others can still be
   * called through hand-written ABI encoders.
   */
  private static List<AbiDefinition> withoutErasureClashes(List<AbiDefinition> abi) {
    Map<String, AbiDefinition> keep = new TreeMap<>();
    for (AbiDefinition f : abi) {
      if (!"function".equals(f.getType())) {
        continue;
      }
      keep.merge(
          erasure(f),
          f,
          (a, b) -> canonical(b.getInputs()).length() > canonical(a.getInputs()).length() ? b : a);
    }
    List<AbiDefinition> out = new ArrayList<>();
    for (AbiDefinition f : abi) {
      if (!"function".equals(f.getType()) || keep.get(erasure(f)) == f) {
        out.add(f);
      }
    }
    return out;
  }

  private static String erasure(AbiDefinition f) {
    StringBuilder key = new StringBuilder(f.getName()).append('(');
    for (AbiDefinition.NamedType t : f.getInputs()) {
      key.append(t.getType().endsWith("]") ? "List" : t.getType() + ":" + t.getInternalType())
          .append(',');
    }
    return key.append(')').toString();
  }

  private static String canonical(List<AbiDefinition.NamedType> types) {
    StringBuilder out = new StringBuilder("(");
    for (AbiDefinition.NamedType t : types) {
      out.append(
              t.getType().startsWith("tuple")
                  ? canonical(t.getComponents()) + t.getType().substring("tuple".length())
                  : t.getType())
          .append(',');
    }
    return out.append(')').toString();
  }

  private static String fingerprint(Map<String, Artifact> artifacts, String packageName)
      throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(packageName.getBytes(StandardCharsets.UTF_8));
    for (Artifact a : artifacts.values()) {
      sha.update(
          (a.name() + "\0" + a.rawAbi() + "\0" + a.bytecode() + "\0")
              .getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
