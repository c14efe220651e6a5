package io.cvmavs.operator.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/** Slashing protection with real BLS keys and a real journal file on disk. */
class SlashingProtectionTest {
  private static final String TASK_MANAGER = "0x" + "ab".repeat(20);
  private static final BlsKeyPair KEY =
      BlsKeyPair.fromSecret(new java.math.BigInteger("123456789123456789"));

  @TempDir Path dataDir;

  private static AttestationRequest request(long task, String response) {
    byte[] blockHash = Hash.sha3(response.getBytes(StandardCharsets.UTF_8));
    return AttestationRequest.of(
        31_337, TASK_MANAGER, new TaskResponse(task, blockHash, new byte[32], new byte[32]));
  }

  /** Counts how often the real signer underneath is reached. */
  private static final class CountingSigner implements AttestationSigner {
    final BlsAttestationSigner real = new BlsAttestationSigner(KEY);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String operatorId() {
      return real.operatorId();
    }

    @Override
    public G1Point sign(AttestationRequest request) {
      calls.incrementAndGet();
      return real.sign(request);
    }
  }

  @Test
  void decisionIsNewRepeatOrConflict() {
    AttestationRequest a = request(1, "a");
    SignedAttestation signedA =
        new SignedAttestation(new BlsAttestationSigner(KEY).operatorId(), a);
    assertThat(SigningDecision.decide(Optional.empty(), a)).isEqualTo(SigningDecision.SIGN_NEW);
    assertThat(SigningDecision.decide(Optional.of(signedA), request(1, "a")))
        .isEqualTo(SigningDecision.SIGN_REPEAT);
    assertThat(SigningDecision.decide(Optional.of(signedA), request(1, "b")))
        .isEqualTo(SigningDecision.REFUSE_CONFLICT);
    assertThatThrownBy(() -> SigningDecision.decide(Optional.of(signedA), request(2, "a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signsOnceRepeatsAndRefusesASecondResponseEvenAfterRestart() {
    CountingSigner inner = new CountingSigner();
    G1Point first;
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      SlashingProtectedSigner signer = new SlashingProtectedSigner(inner, store);
      first = signer.sign(request(7, "good"));
      assertThat(Bls.verify(KEY.publicKeyG2(), request(7, "good").responseDigest(), first))
          .isTrue();
      assertThat(signer.sign(request(7, "good"))).isEqualTo(first);
      assertThat(signer.sign(request(8, "other task"))).isNotNull();
    }
    try (FileSlashingProtectionStore reopened = FileSlashingProtectionStore.open(dataDir)) {
      SlashingProtectedSigner signer = new SlashingProtectedSigner(inner, reopened);
      int before = inner.calls.get();
      assertThatThrownBy(() -> signer.sign(request(7, "evil")))
          .isInstanceOf(SlashingProtectionException.class)
          .hasMessageContaining("refusing to sign task 7")
          .hasMessageContaining(request(7, "good").responseDigestHex());
      assertThat(inner.calls.get()).as("delegate never reached on conflict").isEqualTo(before);
      assertThat(signer.sign(request(7, "good"))).isEqualTo(first);
    }
  }

  @Test
  void recordIsOnDiskBeforeTheSignatureIsMade() {
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      Path journal = store.journal();
      AttestationSigner checking =
          new AttestationSigner() {
            @Override
            public String operatorId() {
              return new BlsAttestationSigner(KEY).operatorId();
            }

            @Override
            public G1Point sign(AttestationRequest request) {
              try {
                assertThat(Files.readString(journal)).contains(request.responseDigestHex());
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
              return KEY.sign(request.responseDigest());
            }
          };
      new SlashingProtectedSigner(checking, store).sign(request(3, "x"));
    }
  }

  @Test
  void concurrentConflictingRequestsLetExactlyOneThrough() throws Exception {
    CountingSigner inner = new CountingSigner();
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      SlashingProtectedSigner signer = new SlashingProtectedSigner(inner, store);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<G1Point>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String response = "response-" + i;
        results.add(pool.submit((Callable<G1Point>) () -> signer.sign(request(42, response))));
      }
      int signed = 0;
      for (Future<G1Point> f : results) {
        try {
          f.get();
          signed++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(SlashingProtectionException.class);
        }
      }
      pool.shutdown();
      assertThat(signed).isEqualTo(1);
      assertThat(inner.calls.get()).isEqualTo(1);
    }
  }

  @Test
  void tornLastLineIsDroppedButCorruptMiddleLineStopsTheOpen() throws Exception {
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      new SlashingProtectedSigner(new BlsAttestationSigner(KEY), store).sign(request(1, "a"));
    }
    Path journal = dataDir.resolve(FileSlashingProtectionStore.FILE_NAME);
    Files.writeString(
        journal, "{\"operator_id\":\"0x12", StandardOpenOption.APPEND); // crash mid-write
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      assertThat(store.all()).hasSize(1);
      new SlashingProtectedSigner(new BlsAttestationSigner(KEY), store).sign(request(2, "b"));
    }
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      assertThat(store.all()).hasSize(2);
    }

    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    lines.set(0, "{garbage");
    Files.write(journal, lines);
    assertThatThrownBy(() -> FileSlashingProtectionStore.open(dataDir))
        .isInstanceOf(SlashingProtectionException.class)
        .hasMessageContaining("line 1 is corrupt")
        .hasMessageContaining("refusing to start");
  }

  @Test
  void secondProcessOnTheSameDataDirectoryIsRefused() {
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      assertThat(store.all()).isEmpty();
      // A FileLock is held per JVM, so a second open from this JVM fails like another process
      // would.
      assertThatThrownBy(() -> FileSlashingProtectionStore.open(dataDir))
          .isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void exportImportRoundTripAndConflictingImportWritesNothing() throws Exception {
    Path export = dataDir.resolve("export/slashing.json");
    String operatorId;
    try (FileSlashingProtectionStore store =
        FileSlashingProtectionStore.open(dataDir.resolve("a"))) {
      SlashingProtectedSigner signer =
          new SlashingProtectedSigner(new BlsAttestationSigner(KEY), store);
      operatorId = signer.operatorId();
      signer.sign(request(1, "one"));
      signer.sign(request(2, "two"));
      assertThat(SlashingProtectionInterchange.export(store, export)).isEqualTo(2);
    }
    List<SignedAttestation> read = SlashingProtectionInterchange.read(export);
    assertThat(read).hasSize(2);

    try (FileSlashingProtectionStore other =
        FileSlashingProtectionStore.open(dataDir.resolve("b"))) {
      other.record(new SignedAttestation(operatorId, request(5, "five")));
      assertThat(other.importAll(read)).isEqualTo(2);
      assertThat(other.importAll(read)).as("re-import adds nothing").isZero();
      SlashingProtectedSigner signer =
          new SlashingProtectedSigner(new BlsAttestationSigner(KEY), other);
      assertThatThrownBy(() -> signer.sign(request(2, "not two")))
          .isInstanceOf(SlashingProtectionException.class);

      List<SignedAttestation> conflicting =
          List.of(
              new SignedAttestation(operatorId, request(9, "nine")),
              new SignedAttestation(operatorId, request(5, "not five")));
      assertThatThrownBy(() -> other.importAll(conflicting))
          .isInstanceOf(SlashingProtectionException.class)
          .hasMessageContaining("nothing written");
      assertThat(other.find(operatorId, request(9, "nine"))).isEmpty();
      assertThat(other.all()).hasSize(3);
    }

    Files.writeString(
        export,
        Files.readString(export).replace("\"task_index\" : \"1\"", "\"task_index\" : \"x\""));
    assertThatThrownBy(() -> SlashingProtectionInterchange.read(export))
        .isInstanceOf(SlashingProtectionException.class)
        .hasMessageContaining("data[0] is invalid");
  }

  @Test
  void rejectsMalformedRequests() {
    TaskResponse response = new TaskResponse(0, new byte[32], new byte[32], new byte[32]);
    assertThatThrownBy(() -> AttestationRequest.of(1, "0x1234", response))
        .hasMessageContaining("20-byte address");
    assertThatThrownBy(() -> AttestationRequest.of(0, TASK_MANAGER, response))
        .hasMessageContaining("chain id");
    assertThatThrownBy(() -> new TaskResponse(-1, new byte[32], new byte[32], new byte[32]))
        .hasMessageContaining("uint32");
    assertThatThrownBy(() -> new TaskResponse(1L << 32, new byte[32], new byte[32], new byte[32]))
        .hasMessageContaining("uint32");
    assertThatThrownBy(() -> new TaskResponse(0, new byte[31], new byte[32], new byte[32]))
        .hasMessageContaining("cvmBlockHash must be 32 bytes");
  }

  @Test
  void theTaskIndexIsPartOfTheSignedDigest() {
    TaskResponse a = new TaskResponse(1, new byte[32], new byte[32], new byte[32]);
    TaskResponse b = new TaskResponse(2, new byte[32], new byte[32], new byte[32]);
    AttestationRequest ra = AttestationRequest.of(31_337, TASK_MANAGER, a);
    AttestationRequest rb = AttestationRequest.of(31_337, TASK_MANAGER, b);
    assertThat(ra.taskIndex()).isEqualTo(1);
    assertThat(rb.taskIndex()).isEqualTo(2);
    assertThat(ra.responseDigest()).isNotEqualTo(rb.responseDigest());
    assertThat(AttestationRequest.of(1, TASK_MANAGER, a).responseDigest())
        .as("chain id is signed")
        .isNotEqualTo(ra.responseDigest());
  }

  /**
   * A signing thread that is interrupted (a cancelled task, a shutdown) while it records must not
   * break the journal: an interrupt inside FileChannel.write closes the channel, and every later
   * record then failed with "cannot persist …: null" until a restart.
   */
  @Test
  void anInterruptedSignerLeavesTheJournalUsable() {
    String operatorId = new BlsAttestationSigner(KEY).operatorId();
    try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
      Thread.currentThread().interrupt();
      try {
        store.record(new SignedAttestation(operatorId, request(1, "a")));
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      store.record(new SignedAttestation(operatorId, request(2, "b")));
    }
    try (FileSlashingProtectionStore reopened = FileSlashingProtectionStore.open(dataDir)) {
      assertThat(reopened.all()).hasSize(2);
    }
  }
}
