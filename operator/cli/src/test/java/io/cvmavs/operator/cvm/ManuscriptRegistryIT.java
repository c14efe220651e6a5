package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.RegisteredManuscript;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.ManuscriptFetcher;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.cvm.task.TaskRefusedException;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manuscript registry end to end on anvil with the forge-deployed AVS: {@code manuscript
 * register / list / show / deprecate / revoke} through the CLI (keystore and password as the other
 * writing commands), then the CVM's resolver over the real registry — a file:// and an http://
 * locator (a JDK HTTP server on 127.0.0.1) resolve and are cached; bytes changed after
 * registration, a revoked entry, an unregistered hash, an ipfs:// locator and a file outside the
 * allowed folders are refused with their reasons.
 */
@WithAnvil
class ManuscriptRegistryIT {
  @TempDir Path dir;

  private static byte[] variant(int n) {
    return (new String(CvmBlockOptions.devnetManuscript(), StandardCharsets.UTF_8)
            + "\n# variant "
            + n
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A CIDv1 of one raw block (sha2-256) in base32: what {@code ipfs add --cid-version 1} gives. */
  private static String rawCid(byte[] bytes) {
    byte[] cid = new byte[36];
    cid[0] = 0x01;
    cid[1] = 0x55;
    cid[2] = 0x12;
    cid[3] = 0x20;
    System.arraycopy(ManuscriptResolver.sha256(bytes), 0, cid, 4, 32);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder out = new StringBuilder("b");
    int buffer = 0;
    int bits = 0;
    for (byte b : cid) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  private static String hex(byte[] h) {
    return "0x" + HexFormat.of().formatHex(h);
  }

  @Test
  void registersListsResolvesAndRefuses(AnvilNode anvil) throws Exception {
    Path deployment = AvsLocalnet.deployFile(anvil, "manuscript-registry");
    SeededOperators seeded =
        new SeededOperators(
            anvil,
            deployment,
            dir,
            AvsLocalnet.PASSWORDS,
            io.cvmavs.operator.cli.CvmAvsCommand::commandLine);
    // Account 0 deployed the AVS and owns it (the AVS team); account 3 is nobody.
    Path team =
        seeded.write(SeededOperators.Operator.of("avs-team", 0, AvsLocalnet.operatorKey(0)));
    Path stranger =
        seeded.write(SeededOperators.Operator.of("stranger", 3, AvsLocalnet.operatorKey(3)));
    Path published = Files.createDirectories(dir.resolve("published"));

    // ---- register a file:// manuscript
    byte[] m1 = variant(1);
    Path f1 = Files.write(published.resolve("m1.yaml"), m1);
    String loc1 = f1.toUri().toString();
    SeededOperators.CliResult r =
        seeded.cli(
            "manuscript",
            "register",
            f1.toString(),
            "--locator",
            loc1,
            "--config",
            team.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("registered manuscript " + hex(Keccak.hash(m1)));

    r =
        seeded.cli(
            "manuscript",
            "register",
            f1.toString(),
            "--locator",
            loc1,
            "--config",
            team.toString());
    assertThat(r.exitCode()).as("registered twice").isEqualTo(1);
    assertThat(r.err()).contains("AlreadyRegistered");

    byte[] m2 = variant(2);
    Path f2 = Files.write(published.resolve("m2.yaml"), m2);
    r =
        seeded.cli(
            "manuscript",
            "register",
            f2.toString(),
            "--locator",
            f2.toUri().toString(),
            "--config",
            stranger.toString());
    assertThat(r.exitCode()).as("not a registrar").isEqualTo(1);
    assertThat(r.err()).contains("NotRegistrar");

    // A locator that serves other bytes is refused before anything is sent.
    r =
        seeded.cli(
            "manuscript",
            "register",
            f2.toString(),
            "--locator",
            loc1,
            "--config",
            team.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("serves other bytes");

    // ---- an http:// locator
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/m2.yaml",
        ex -> {
          ex.sendResponseHeaders(200, m2.length);
          ex.getResponseBody().write(m2);
          ex.close();
        });
    http.start();
    try {
      String loc2 = "http://127.0.0.1:" + http.getAddress().getPort() + "/m2.yaml";
      r =
          seeded.cli(
              "manuscript",
              "register",
              f2.toString(),
              "--locator",
              loc2,
              "--config",
              team.toString());
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();

      // ---- list and show
      r = seeded.cli("manuscript", "list", "--config", team.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      String owner = anvil.account(0).address().toLowerCase(java.util.Locale.ROOT);
      assertThat(r.out())
          .contains(hex(Keccak.hash(m1)))
          .contains(hex(Keccak.hash(m2)))
          .contains("active")
          .contains(owner)
          .contains(loc1)
          .contains(loc2)
          .contains("2 manuscript(s)");
      r = seeded.cli("manuscript", "show", hex(Keccak.hash(m1)), "--config", team.toString());
      assertThat(r.exitCode()).isZero();
      assertThat(r.out())
          .contains("content sha256    " + hex(ManuscriptResolver.sha256(m1)))
          .contains("status            active")
          .contains("locator           " + loc1);
      r =
          seeded.cli(
              "manuscript", "show", hex(Keccak.hash(variant(99))), "--config", team.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("is not registered");

      // ---- resolve through the real registry
      String address =
          io.cvmavs.contracts.Deployments.read(deployment).address("CvmManuscriptRegistry");
      RpcClient rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
      ManuscriptRegistryReader reader = new ManuscriptRegistryReader(rpc, address);
      Path cache = dir.resolve("cache");
      ManuscriptResolver resolver =
          new ManuscriptResolver(
              CvmTasks.directory(reader),
              new ManuscriptFetcher(List.of(published), Duration.ofSeconds(5)),
              cache,
              "eth");
      AttestedManuscript a1 = resolver.resolve(Keccak.hash(m1));
      assertThat(a1.hash()).isEqualTo(Keccak.hash(m1));
      assertThat(a1.refusal()).isEmpty();
      assertThat(cache.resolve(HexFormat.of().formatHex(Keccak.hash(m1)) + ".yaml"))
          .hasBinaryContent(m1);
      assertThat(resolver.resolve(Keccak.hash(m2)).refusal()).isEmpty();

      // Changed after registration: the cached copy still serves; a node without it refuses.
      Files.write(f1, variant(5));
      assertThat(resolver.resolve(Keccak.hash(m1)).hash()).isEqualTo(Keccak.hash(m1));
      ManuscriptResolver fresh =
          new ManuscriptResolver(
              CvmTasks.directory(reader),
              new ManuscriptFetcher(List.of(published), Duration.ofSeconds(5)),
              dir.resolve("cache2"),
              "eth");
      assertRefused(
          () -> fresh.resolve(Keccak.hash(m1)),
          TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
          "keccak-256");

      // Unregistered.
      assertRefused(
          () -> fresh.resolve(Keccak.hash(variant(99))),
          TaskRefusedException.Reason.UNREGISTERED_MANUSCRIPT,
          "not registered");
      assertThat(fresh.check(Keccak.hash(variant(99)))).isEmpty();

      // ipfs:// (no gateway configured) and a file outside the allowed folders: fetch refusals.
      Transactor ownerTx =
          ChainAccess.open(
              URI.create(anvil.rpcUrl()),
              anvil.account(0).credentials().getEcKeyPair(),
              Optional.empty());
      ManuscriptRegistryWriter writer = new ManuscriptRegistryWriter(ownerTx, address);
      byte[] m3 = variant(3);
      writer.register(
          Keccak.hash(m3),
          ManuscriptResolver.sha256(m3),
          "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
      assertRefused(
          () -> fresh.resolve(Keccak.hash(m3)),
          TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
          "no IPFS gateway configured");
      byte[] m4 = variant(4);
      Path outside = Files.write(dir.resolve("m4.yaml"), m4);
      writer.register(Keccak.hash(m4), ManuscriptResolver.sha256(m4), outside.toUri().toString());
      assertRefused(
          () -> fresh.resolve(Keccak.hash(m4)),
          TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
          "outside the folders");
      // Right keccak, wrong content hash registered: refused on SHA-256.
      byte[] m6 = variant(6);
      Path f6 = Files.write(published.resolve("m6.yaml"), m6);
      writer.register(Keccak.hash(m6), ManuscriptResolver.sha256(m1), f6.toUri().toString());
      assertRefused(
          () -> fresh.resolve(Keccak.hash(m6)),
          TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
          "SHA-256");

      // ---- deprecate (entry owner only): still resolves, but the task generator stops.
      r =
          seeded.cli(
              "manuscript", "deprecate", hex(Keccak.hash(m2)), "--config", stranger.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("NotManuscriptOwner");
      r = seeded.cli("manuscript", "deprecate", hex(Keccak.hash(m2)), "--config", team.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(reader.manuscriptOf(Keccak.hash(m2)).orElseThrow().status())
          .isEqualTo(RegisteredManuscript.Status.DEPRECATED);
      assertThat(resolver.resolve(Keccak.hash(m2)).refusal()).isEmpty();
      assertThat(CvmTasks.notActive(reader, Keccak.hash(m2)))
          .hasValueSatisfying(s -> assertThat(s).startsWith("deprecated"));
      assertThat(CvmTasks.notActive(reader, Keccak.hash(m1))).isEmpty();

      // ---- revoke (AVS owner): refused, cached or not.
      r =
          seeded.cli(
              "manuscript",
              "revoke",
              hex(Keccak.hash(m1)),
              "--reason",
              "non-deterministic",
              "--config",
              stranger.toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("OwnableUnauthorizedAccount");
      r =
          seeded.cli(
              "manuscript",
              "revoke",
              hex(Keccak.hash(m1)),
              "--reason",
              "non-deterministic",
              "--config",
              team.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertRefused(
          () -> resolver.resolve(Keccak.hash(m1)),
          TaskRefusedException.Reason.REVOKED_MANUSCRIPT,
          "revoked");
      assertRefused(
          () -> resolver.check(Keccak.hash(m1)),
          TaskRefusedException.Reason.REVOKED_MANUSCRIPT,
          "revoked");
      r = seeded.cli("manuscript", "list", "--config", team.toString());
      assertThat(r.out()).contains("revoked").contains("deprecated").contains("5 manuscript(s)");

      // ---- register with an ipfs:// locator: fetched through the configured gateways, the CID
      // checked against the bytes served, and the bytes against the file, before anything is sent.
      byte[] m7 = variant(7);
      Path f7 = Files.write(published.resolve("m7.yaml"), m7);
      String loc7 = "ipfs://" + rawCid(m7);
      String wrong = "ipfs://" + rawCid(variant(8));
      http.createContext(
          "/ipfs/",
          ex -> {
            ex.sendResponseHeaders(200, m7.length); // every CID gets m7
            ex.getResponseBody().write(m7);
            ex.close();
          });
      r =
          seeded.cli(
              "manuscript",
              "register",
              f7.toString(),
              "--locator",
              loc7,
              "--config",
              team.toString());
      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("locator " + loc7 + ": no IPFS gateway configured");
      Path gated = team.resolveSibling("avs-team-gateways.yaml");
      Files.writeString(
          gated,
          Files.readString(team)
              + "\nmanuscript_gateways:\n  ipfs: [http://127.0.0.1:"
              + http.getAddress().getPort()
              + "]\n");
      r =
          seeded.cli(
              "manuscript",
              "register",
              f7.toString(),
              "--locator",
              wrong,
              "--config",
              gated.toString());
      assertThat(r.exitCode()).as("a CID the bytes served do not match").isEqualTo(2);
      assertThat(r.err()).contains("locator " + wrong + ": no gateway served it");
      Path f9 = Files.write(published.resolve("m9.yaml"), variant(9));
      r =
          seeded.cli(
              "manuscript",
              "register",
              f9.toString(),
              "--locator",
              loc7,
              "--config",
              gated.toString());
      assertThat(r.exitCode()).as("the CID's bytes are another file").isEqualTo(2);
      assertThat(r.err()).contains("--locator " + loc7 + " serves other bytes than " + f9);
      r =
          seeded.cli(
              "manuscript",
              "register",
              f7.toString(),
              "--locator",
              loc7,
              "--config",
              gated.toString());
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("registered manuscript " + hex(Keccak.hash(m7)));
      ownerTx.web3j().shutdown();
      rpc.web3j().shutdown();
    } finally {
      http.stop(0);
    }
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      TaskRefusedException.Reason reason,
      String text) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TaskRefusedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(text);
  }
}
