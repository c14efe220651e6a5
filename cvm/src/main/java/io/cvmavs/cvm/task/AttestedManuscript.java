package io.cvmavs.cvm.task;

import io.cvmavs.cvm.engine.EngineException;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.ingest.ChainData;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.manuscript.Sink;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.manuscript.SourceType;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A manuscript a CVM is configured to attest, identified by {@code keccak256} of its file bytes
 * (the tasks' {@code manuscriptHash}). Loading never throws: a file that cannot be attested here —
 * it does not parse, is non-deterministic for a {@code dataset} sink (the parser's determinism
 * check), has no {@code dataset} sink, or reads a dataset of a chain this CVM does not ingest — is
 * kept with the reason, so a task naming it is refused with that reason instead of signed.
 *
 * <p>Only the {@code dataset} sinks run on the attested path: postgres, filesystem and print sinks
 * are side effects of the data team's own runs, not something every operator repeats per task. A
 * manuscript without transforms whose dataset sinks read unfiltered, unwindowed {@code dataset}
 * sources directly is a pass-through: its datasets are the stored rows themselves (the same rows,
 * columns and key a Flink job would produce, which {@code AttestedManuscriptTest} checks), so it
 * needs no Flink job.
 */
public final class AttestedManuscript {
  private final String file;
  private final byte[] hash;
  private final Optional<Manuscript> attested;
  private final Optional<String> refusal;

  private AttestedManuscript(
      String file, byte[] hash, Optional<Manuscript> attested, Optional<String> refusal) {
    this.file = file;
    this.hash = hash.clone();
    this.attested = attested;
    this.refusal = refusal;
  }

  /**
   * Loads a manuscript file's bytes for a CVM that ingests {@code chain}; {@code file} names it in
   * messages.
   */
  public static AttestedManuscript load(String chain, String file, byte[] bytes) {
    byte[] hash = Keccak.hash(bytes);
    Manuscript m;
    try {
      m = new ManuscriptParser().parse(file, bytes);
    } catch (ManuscriptException e) {
      return new AttestedManuscript(file, hash, Optional.empty(), Optional.of(e.getMessage()));
    }
    List<Sink> datasets = m.datasetSinks();
    if (datasets.isEmpty()) {
      return new AttestedManuscript(
          file,
          hash,
          Optional.empty(),
          Optional.of(
              "manuscript '"
                  + m.name()
                  + "' has no dataset sink: there is nothing to attest (add a sink of type"
                  + " dataset)"));
    }
    List<String> missing = new ArrayList<>();
    for (Source s : m.sources()) {
      if (!s.chain().equals(chain)) {
        missing.add("source '" + s.name() + "' (" + s.location() + ") reads " + s.dataset());
      }
    }
    if (!missing.isEmpty()) {
      return new AttestedManuscript(
          file,
          hash,
          Optional.empty(),
          Optional.of(
              "manuscript '"
                  + m.name()
                  + "' reads datasets this CVM does not ingest (it ingests "
                  + chain
                  + ".*): "
                  + String.join("; ", missing)));
    }
    Manuscript onlyDatasets =
        new Manuscript(
            m.file(),
            m.name(),
            m.specVersion(),
            m.parallelism(),
            m.sources(),
            m.transforms(),
            datasets,
            m.hash());
    return new AttestedManuscript(file, hash, Optional.of(onlyDatasets), Optional.empty());
  }

  /** keccak256 of the file bytes. */
  public byte[] hash() {
    return hash.clone();
  }

  /** The manuscript's {@code name}; empty when it cannot be attested here. */
  public Optional<String> name() {
    return attested.map(Manuscript::name);
  }

  /** The file as configured. */
  public String file() {
    return file;
  }

  /** Why this manuscript cannot be attested here; empty when it can. */
  public Optional<String> refusal() {
    return refusal;
  }

  /** True when its datasets are stored rows as they are, without a Flink job. */
  public boolean passThrough() {
    return attested.map(AttestedManuscript::isPassThrough).orElse(false);
  }

  /** {@code file (keccak256 0x…)}, for logs and refusals. */
  public String describe() {
    return file + " (keccak256 0x" + HexFormat.of().formatHex(hash) + ")";
  }

  /**
   * The attested datasets of chain blocks {@code [from, to]} (by dataset sink name).
   *
   * @param data the ingested rows (the range must be stored)
   * @param runner the Flink runner over the same data, asked for only when a job is needed
   * @throws TaskRefusedException when this manuscript cannot be attested here
   * @throws EngineException when the job fails
   */
  public Map<String, CanonicalDataset> datasets(
      ChainData data, Supplier<ManuscriptRunner> runner, long from, long to) {
    Manuscript m =
        attested.orElseThrow(
            () ->
                new TaskRefusedException(
                    TaskRefusedException.Reason.UNRUNNABLE_MANUSCRIPT,
                    "manuscript " + describe() + " cannot be attested: " + refusal.orElseThrow()));
    if (isPassThrough(m)) {
      Map<String, CanonicalDataset> out = new LinkedHashMap<>();
      for (Sink sink : m.sinks()) {
        Source s = m.source(sink.from()).orElseThrow();
        ChainTable table = ChainTable.of(s.table()).orElseThrow();
        out.put(
            sink.name(),
            CanonicalDataset.of(
                table.columnNames(), sink.primaryKey(), data.rows(s.chain(), table, from, to)));
      }
      return out;
    }
    return runner
        .get()
        .run(
            m,
            RunOptions.range(from, to).printingTo(new PrintStream(OutputStream.nullOutputStream())))
        .datasets();
  }

  private static boolean isPassThrough(Manuscript m) {
    if (!m.transforms().isEmpty()) {
      return false;
    }
    for (Sink sink : m.datasetSinks()) {
      Optional<Source> s = m.source(sink.from());
      if (s.isEmpty()
          || s.get().type() != SourceType.DATASET
          || s.get().filter().isPresent()
          || s.get().window().isPresent()) {
        return false;
      }
    }
    return true;
  }
}
