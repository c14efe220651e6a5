package io.cvmavs.cvm.manuscript;

import java.util.List;
import java.util.Optional;

/**
 * A parsed and validated manuscript (Chainbase format): sources over chain datasets, SQL transforms
 * in order, sinks. Built only by {@link ManuscriptParser}, so every instance passed validation.
 *
 * @param hash {@code keccak256} of the manuscript file's bytes, as committed in CVM block headers
 */
public record Manuscript(
    String file,
    String name,
    String specVersion,
    int parallelism,
    List<Source> sources,
    List<Transform> transforms,
    List<Sink> sinks,
    byte[] hash) {
  public Manuscript {
    sources = List.copyOf(sources);
    transforms = List.copyOf(transforms);
    sinks = List.copyOf(sinks);
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  public Optional<Transform> transform(String name) {
    return transforms.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<Source> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Every name the manuscript's SQL, filters and sink keys mention (upper-cased words and quoted
   * identifiers outside string literals): a source view gets an alias column or {@code __proc_time}
   * only when the manuscript names it, so manuscripts that do not are unchanged.
   */
  public java.util.Set<String> referencedNames() {
    java.util.Set<String> out = new java.util.HashSet<>();
    List<String> texts = new java.util.ArrayList<>();
    transforms.forEach(t -> texts.add(t.sql()));
    sources.forEach(s -> s.filter().ifPresent(texts::add));
    for (String text : texts) {
      for (SqlTokens.Token tok : SqlTokens.tokenize(text)) {
        if (tok.kind() == SqlTokens.Kind.WORD || tok.kind() == SqlTokens.Kind.QUOTED_IDENTIFIER) {
          out.add(tok.upper());
        }
      }
    }
    sinks.forEach(s -> s.primaryKey().forEach(k -> out.add(k.toUpperCase(java.util.Locale.ROOT))));
    return out;
  }

  /** The sinks of type {@code dataset}: the attested output. */
  public List<Sink> datasetSinks() {
    return sinks.stream().filter(s -> s.type() == SinkType.DATASET).toList();
  }

  /**
   * This manuscript with only its {@code dataset} sinks (same file and hash): what building or
   * proving an attested block runs, so it never writes the side-effect sinks (postgres, filesystem,
   * print) of the data team's own runs.
   */
  public Manuscript datasetsOnly() {
    return new Manuscript(
        file, name, specVersion, parallelism, sources, transforms, datasetSinks(), hash);
  }
}
