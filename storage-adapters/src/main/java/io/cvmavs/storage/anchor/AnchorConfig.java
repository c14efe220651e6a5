package io.cvmavs.storage.anchor;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cvmavs.common.yaml.StrictYaml;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.DeploymentsException;
import io.cvmavs.crypto.keystore.JwkKeystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.storage.arweave.ArweaveBackend;
import io.cvmavs.storage.arweave.ArweaveWallet;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.S3Backend;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.group.GroupPacker;
import io.cvmavs.storage.ipfs.IpfsBackend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code anchor.yaml}: where blocks come from, where groups go, and where receipts are recorded —
 * read by the project's strict YAML reader (unknown or repeated fields refused with {@code
 * file:line:column}); every other error names the file and the field. Relative paths are relative
 * to the file. No secret is written in it: the submitter's ECDSA keystore password comes from
 * {@code OPERATOR_ECDSA_KEY_PASSWORD} or a prompt, S3 credentials from the environment variables it
 * names. Example: storage-adapters/README.md.
 */
public record AnchorConfig(
    Path file,
    URI ethRpcUrl,
    Optional<Long> chainId,
    String registry,
    long fromBlock,
    Optional<Path> submitterKeystore,
    Path blockStore,
    Path dataDir,
    long cvmChainId,
    Optional<byte[]> manuscript,
    long groupTargetBytes,
    Duration groupMaxAge,
    Duration pollInterval,
    ReplicationPolicy replication,
    List<Backend> backends,
    Optional<URI> cvmRpcUrl,
    Optional<Path> manuscriptFile,
    Optional<CvmTrust> cvmTrust,
    Optional<Holders> holders) {

  /**
   * {@code holders:} — after each anchor, record the group's holders in {@code StorageAudit}
   * (docs/STORAGE.md "Holders"): {@code replication} operators per group (default {@value
   * #DEFAULT_HOLDER_REPLICATION}) among the operators registered with the AVS and active in {@code
   * quorum} (default 0). {@code storage_audit} and {@code cvm_registry} default to the deployment
   * file's addresses. The transactions are sent from {@code submitter_keystore}, which the deploy
   * script makes both the AnchorRegistry's submitter and StorageAudit's owner; operators are read
   * from the registry's key registrations since {@code registeredFrom} (the deployment file's
   * {@code deploymentBlock}, else 0); {@code at} is {@code file:line:column: } of the section.
   */
  public record Holders(
      String storageAudit,
      String cvmRegistry,
      int replication,
      int quorum,
      long registeredFrom,
      String at) {}

  /** Holders per group when {@code holders.replication} is not set. */
  public static final int DEFAULT_HOLDER_REPLICATION = 2;

  /**
   * The light client's root of trust for reading the CVM chain ({@code cvm_trusted_height}, {@code
   * cvm_trusted_hash}) and its options as typed ({@code cvm_trusting_period}, Go duration, default
   * {@link #DEFAULT_TRUSTING_PERIOD}; {@code cvm_max_clock_drift}, default 10s; {@code
   * cvm_trust_level}, N/D, default 1/3 — parsed by the light client, which names a bad value);
   * {@code at} is {@code file:line:column: } of the height.
   */
  public record CvmTrust(
      long height,
      byte[] headerHash,
      String trustingPeriod,
      Optional<String> maxClockDrift,
      Optional<String> trustLevel,
      String at) {
    public CvmTrust {
      headerHash = headerHash.clone();
    }

    @Override
    public byte[] headerHash() {
      return headerHash.clone();
    }
  }

  /** The trusting period when anchor.yaml sets none: two weeks. */
  public static final String DEFAULT_TRUSTING_PERIOD = "336h0m0s";

  /** One configured backend; {@code at} is {@code file:line:column: } of its entry. */
  public record Backend(String name, String type, Map<String, Object> settings, String at) {}

  static final class Raw {
    @JsonProperty("eth_rpc_url")
    String ethRpcUrl;

    @JsonProperty("chain_id")
    Long chainId;

    @JsonProperty("deployment_file")
    String deploymentFile;

    @JsonProperty("anchor_registry")
    String anchorRegistry;

    @JsonProperty("from_block")
    Long fromBlock;

    @JsonProperty("submitter_keystore")
    String submitterKeystore;

    @JsonProperty("block_store")
    String blockStore;

    @JsonProperty("data_dir")
    String dataDir;

    @JsonProperty("cvm_chain_id")
    Long cvmChainId;

    @JsonProperty("manuscript")
    String manuscript;

    @JsonProperty("group_target_bytes")
    Long groupTargetBytes;

    @JsonProperty("group_max_age_seconds")
    Long groupMaxAgeSeconds;

    @JsonProperty("poll_interval_ms")
    Long pollIntervalMs;

    @JsonProperty("replication")
    List<String> replication;

    @JsonProperty("backends")
    List<RawBackend> backends;

    @JsonProperty("cvm_rpc_url")
    String cvmRpcUrl;

    @JsonProperty("manuscript_file")
    String manuscriptFile;

    @JsonProperty("cvm_trusted_height")
    Long cvmTrustedHeight;

    @JsonProperty("cvm_trusted_hash")
    String cvmTrustedHash;

    @JsonProperty("cvm_trusting_period")
    String cvmTrustingPeriod;

    @JsonProperty("cvm_max_clock_drift")
    String cvmMaxClockDrift;

    @JsonProperty("cvm_trust_level")
    String cvmTrustLevel;

    @JsonProperty("holders")
    RawHolders holders;
  }

  static final class RawHolders {
    @JsonProperty("replication")
    Integer replication;

    @JsonProperty("quorum")
    Integer quorum;

    @JsonProperty("storage_audit")
    String storageAudit;

    @JsonProperty("cvm_registry")
    String cvmRegistry;
  }

  static final class RawBackend {
    @JsonProperty("name")
    String name;

    @JsonProperty("type")
    String type;

    @JsonProperty("dir")
    String dir;

    @JsonProperty("endpoint")
    String endpoint;

    @JsonProperty("region")
    String region;

    @JsonProperty("bucket")
    String bucket;

    @JsonProperty("prefix")
    String prefix;

    @JsonProperty("path_style")
    Boolean pathStyle;

    @JsonProperty("access_key_env")
    String accessKeyEnv;

    @JsonProperty("secret_key_env")
    String secretKeyEnv;

    @JsonProperty("gateway")
    String gateway;

    @JsonProperty("wallet")
    String wallet;

    @JsonProperty("api")
    String api;
  }

  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          "local", Set.of("dir"),
          "s3",
              Set.of(
                  "endpoint",
                  "region",
                  "bucket",
                  "prefix",
                  "path_style",
                  "access_key_env",
                  "secret_key_env"),
          "arweave", Set.of("gateway", "wallet"),
          "ipfs", Set.of("api"));

  /** Reads and checks {@code file}. */
  public static AnchorConfig load(Path file) {
    StrictYaml.Parsed<Raw> parsed = StrictYaml.parse(file, Raw.class, AnchorConfigException::new);
    Raw raw = parsed.value();
    Path base = file.toAbsolutePath().getParent();
    String where = file + ": ";
    URI rpc = uri(required(raw.ethRpcUrl, parsed, "eth_rpc_url"), parsed, "eth_rpc_url");

    String registry = raw.anchorRegistry;
    long fromBlock = 0;
    Deployments d = null;
    if (raw.deploymentFile != null) {
      try {
        d = Deployments.read(base.resolve(raw.deploymentFile).normalize());
      } catch (DeploymentsException e) {
        throw new AnchorConfigException(
            parsed.where("deployment_file") + "field 'deployment_file': " + e.getMessage(), e);
      }
      if (registry == null) {
        registry =
            d.findAddress("AnchorRegistry")
                .orElseThrow(
                    () ->
                        new AnchorConfigException(
                            parsed.where("deployment_file")
                                + "the deployment file names no AnchorRegistry (deployed by an"
                                + " older script? set anchor_registry)"));
      }
      fromBlock = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    }
    if (registry == null) {
      throw new AnchorConfigException(
          where + "no AnchorRegistry address: set deployment_file or anchor_registry");
    }
    if (!registry.matches("0x[0-9a-fA-F]{40}")) {
      throw new AnchorConfigException(
          parsed.where("anchor_registry")
              + "field 'anchor_registry': '"
              + registry
              + "' is not an address (0x + 40 hex digits)");
    }
    if (raw.fromBlock != null) {
      fromBlock = nonNegative(raw.fromBlock, parsed, "from_block");
    }

    Optional<byte[]> manuscript = Optional.empty();
    if (raw.manuscript != null) {
      if (!raw.manuscript.matches("0x[0-9a-fA-F]{64}")) {
        throw new AnchorConfigException(
            parsed.where("manuscript")
                + "field 'manuscript': a manuscript hash is 0x + 64 hex digits, got '"
                + raw.manuscript
                + "'");
      }
      manuscript = Optional.of(HexFormat.of().parseHex(raw.manuscript.substring(2)));
    }
    long target =
        raw.groupTargetBytes == null ? GroupPacker.DEFAULT_TARGET_BYTES : raw.groupTargetBytes;
    if (target < 1024 || target > (1L << 29)) {
      throw new AnchorConfigException(
          parsed.where("group_target_bytes")
              + "field 'group_target_bytes': "
              + target
              + " is outside 1024..536870912");
    }
    long maxAge =
        raw.groupMaxAgeSeconds == null
            ? GroupPacker.DEFAULT_MAX_AGE.toSeconds()
            : raw.groupMaxAgeSeconds;
    if (maxAge < 1) {
      throw new AnchorConfigException(
          parsed.where("group_max_age_seconds") + "field 'group_max_age_seconds' must be >= 1");
    }
    long poll = raw.pollIntervalMs == null ? 1000 : raw.pollIntervalMs;
    if (poll < 10) {
      throw new AnchorConfigException(
          parsed.where("poll_interval_ms") + "field 'poll_interval_ms' must be >= 10");
    }

    if (raw.backends == null || raw.backends.isEmpty()) {
      throw new AnchorConfigException(where + "field 'backends': name at least one backend");
    }
    Map<String, Backend> backends = new LinkedHashMap<>();
    for (int i = 0; i < raw.backends.size(); i++) {
      Backend b = backend(raw.backends.get(i), i, parsed);
      if (backends.put(b.name(), b) != null) {
        throw new AnchorConfigException(
            b.at() + "backends[" + i + "]: a second backend named '" + b.name() + "'");
      }
    }
    ReplicationPolicy policy;
    try {
      policy =
          raw.replication == null
              ? ReplicationPolicy.all(backends.keySet())
              : new ReplicationPolicy(Set.copyOf(raw.replication));
      policy.check(backends.keySet());
    } catch (IllegalArgumentException e) {
      throw new AnchorConfigException(
          parsed.where("replication") + "field 'replication': " + e.getMessage(), e);
    }
    long cvmChainId =
        raw.cvmChainId == null ? 1 : nonNegative(raw.cvmChainId, parsed, "cvm_chain_id");
    Optional<URI> cvmRpc =
        Optional.ofNullable(raw.cvmRpcUrl).map(u -> uri(u, parsed, "cvm_rpc_url"));
    Optional<Path> manuscriptFile =
        Optional.ofNullable(raw.manuscriptFile).map(p -> base.resolve(p).normalize());
    if (cvmRpc.isPresent() && manuscriptFile.isEmpty()) {
      throw new AnchorConfigException(
          parsed.where("cvm_rpc_url")
              + "field 'cvm_rpc_url' needs 'manuscript_file': the CVM chain holds only the"
              + " manuscript's hash, and every group carries the file");
    }
    Optional<CvmTrust> trust = cvmTrust(raw, parsed, cvmRpc.isPresent());
    Optional<Holders> holders =
        raw.holders == null ? Optional.empty() : Optional.of(holders(raw.holders, d, parsed));
    return new AnchorConfig(
        file,
        rpc,
        Optional.ofNullable(raw.chainId),
        registry,
        fromBlock,
        Optional.ofNullable(raw.submitterKeystore).map(p -> base.resolve(p).normalize()),
        base.resolve(required(raw.blockStore, parsed, "block_store")).normalize(),
        base.resolve(required(raw.dataDir, parsed, "data_dir")).normalize(),
        cvmChainId,
        manuscript,
        target,
        Duration.ofSeconds(maxAge),
        Duration.ofMillis(poll),
        policy,
        List.copyOf(backends.values()),
        cvmRpc,
        manuscriptFile,
        trust,
        holders);
  }

  private static Holders holders(RawHolders h, Deployments d, StrictYaml.Parsed<Raw> parsed) {
    String at = parsed.at("holders");
    int replication = h.replication == null ? DEFAULT_HOLDER_REPLICATION : h.replication;
    if (replication < 1 || replication > 255) {
      throw new AnchorConfigException(
          parsed.at("holders.replication")
              + "field 'holders.replication': holders per group must be 1..255, got "
              + replication);
    }
    int quorum = h.quorum == null ? 0 : h.quorum;
    if (quorum < 0 || quorum > 255) {
      throw new AnchorConfigException(
          parsed.at("holders.quorum")
              + "field 'holders.quorum': a quorum number is 0..255, got "
              + quorum);
    }
    return new Holders(
        holderContract(h.storageAudit, "storage_audit", "StorageAudit", d, parsed),
        holderContract(h.cvmRegistry, "cvm_registry", "CvmRegistry", d, parsed),
        replication,
        quorum,
        d == null ? 0 : Long.parseLong(d.values().getOrDefault("deploymentBlock", "0")),
        at);
  }

  private static String holderContract(
      String given, String field, String name, Deployments d, StrictYaml.Parsed<Raw> parsed) {
    String address = given;
    if (address == null && d != null) {
      address = d.findAddress(name).orElse(null);
    }
    if (address == null) {
      throw new AnchorConfigException(
          parsed.at("holders")
              + "field 'holders."
              + field
              + "': no "
              + name
              + " address"
              + (d == null
                  ? " (set deployment_file or holders." + field + ")"
                  : " (the deployment file names none: deployed by an older script?)"));
    }
    if (!address.matches("0x[0-9a-fA-F]{40}")) {
      throw new AnchorConfigException(
          parsed.at("holders." + field)
              + "field 'holders."
              + field
              + "': '"
              + address
              + "' is not an address (0x + 40 hex digits)");
    }
    return address;
  }

  /**
   * The CVM chain's root of trust: required with {@code cvm_rpc_url} (the anchoring trusts no node:
   * docs/STORAGE.md), refused without it.
   */
  private static Optional<CvmTrust> cvmTrust(
      Raw raw, StrictYaml.Parsed<Raw> parsed, boolean cvmRpc) {
    boolean any =
        raw.cvmTrustedHeight != null
            || raw.cvmTrustedHash != null
            || raw.cvmTrustingPeriod != null
            || raw.cvmMaxClockDrift != null
            || raw.cvmTrustLevel != null;
    if (!cvmRpc) {
      if (any) {
        String field =
            raw.cvmTrustedHeight != null
                ? "cvm_trusted_height"
                : raw.cvmTrustedHash != null
                    ? "cvm_trusted_hash"
                    : raw.cvmTrustingPeriod != null
                        ? "cvm_trusting_period"
                        : raw.cvmMaxClockDrift != null ? "cvm_max_clock_drift" : "cvm_trust_level";
        throw new AnchorConfigException(
            parsed.where(field)
                + "field '"
                + field
                + "' applies only with 'cvm_rpc_url' (reading the CVM chain)");
      }
      return Optional.empty();
    }
    for (String f : List.of("cvm_trusted_height", "cvm_trusted_hash")) {
      if ((f.equals("cvm_trusted_height") ? raw.cvmTrustedHeight : raw.cvmTrustedHash) == null) {
        throw new AnchorConfigException(
            parsed.where("cvm_rpc_url")
                + "field 'cvm_rpc_url' needs '"
                + f
                + "': the light client checks every block it reads from a header the operator"
                + " trusts (cvm_trusted_height and cvm_trusted_hash, e.g. from `cvm-avs light"
                + " sync` or another node), so no RPC node is taken on its word");
      }
    }
    if (raw.cvmTrustedHeight <= 0) {
      throw new AnchorConfigException(
          parsed.where("cvm_trusted_height")
              + "field 'cvm_trusted_height' must be a CometBFT height of at least 1, got "
              + raw.cvmTrustedHeight);
    }
    String h =
        raw.cvmTrustedHash.startsWith("0x") ? raw.cvmTrustedHash.substring(2) : raw.cvmTrustedHash;
    byte[] hash;
    try {
      hash = java.util.HexFormat.of().parseHex(h);
    } catch (IllegalArgumentException e) {
      hash = new byte[0];
    }
    if (hash.length != 32) {
      throw new AnchorConfigException(
          parsed.where("cvm_trusted_hash")
              + "field 'cvm_trusted_hash' must be a 32-byte header hash (64 hex digits), got "
              + quoted(raw.cvmTrustedHash));
    }
    return Optional.of(
        new CvmTrust(
            raw.cvmTrustedHeight,
            hash,
            raw.cvmTrustingPeriod == null ? DEFAULT_TRUSTING_PERIOD : raw.cvmTrustingPeriod,
            Optional.ofNullable(raw.cvmMaxClockDrift),
            Optional.ofNullable(raw.cvmTrustLevel),
            parsed.where(
                raw.cvmTrustingPeriod != null ? "cvm_trusting_period" : "cvm_trusted_height")));
  }

  private static Backend backend(RawBackend r, int i, StrictYaml.Parsed<Raw> parsed) {
    String at = parsed.where("backends");
    String field = "backends[" + i + "]";
    if (r.name == null || !r.name.matches("[a-z0-9-]{1,32}")) {
      throw new AnchorConfigException(
          at + field + ".name must be 1-32 characters of [a-z0-9-], got " + quoted(r.name));
    }
    if (r.type == null || !FIELDS.containsKey(r.type)) {
      throw new AnchorConfigException(
          at
              + field
              + " ("
              + r.name
              + "): type must be one of local, s3, arweave, ipfs, got "
              + quoted(r.type));
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("dir", r.dir);
    all.put("endpoint", r.endpoint);
    all.put("region", r.region);
    all.put("bucket", r.bucket);
    all.put("prefix", r.prefix);
    all.put("path_style", r.pathStyle);
    all.put("access_key_env", r.accessKeyEnv);
    all.put("secret_key_env", r.secretKeyEnv);
    all.put("gateway", r.gateway);
    all.put("wallet", r.wallet);
    all.put("api", r.api);
    Map<String, Object> settings = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : all.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      if (!FIELDS.get(r.type).contains(e.getKey())) {
        throw new AnchorConfigException(
            at
                + field
                + " ("
                + r.name
                + "): field '"
                + e.getKey()
                + "' does not apply to a "
                + r.type
                + " backend (its fields: "
                + String.join(", ", new java.util.TreeSet<>(FIELDS.get(r.type)))
                + ")");
      }
      settings.put(e.getKey(), e.getValue());
    }
    List<String> needed =
        switch (r.type) {
          case "local" -> List.of("dir");
          case "s3" -> List.of("bucket");
          case "arweave" -> List.of("gateway", "wallet");
          default -> List.of("api");
        };
    for (String n : needed) {
      if (!settings.containsKey(n)) {
        throw new AnchorConfigException(
            at + field + " (" + r.name + "): a " + r.type + " backend needs '" + n + "'");
      }
    }
    for (String u : List.of("endpoint", "gateway", "api")) {
      if (settings.containsKey(u)) {
        uri((String) settings.get(u), parsed, field + "." + u);
      }
    }
    return new Backend(r.name, r.type, Map.copyOf(settings), at);
  }

  /**
   * Opens the configured backends; S3 credentials from the environment variables named (default
   * {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}).
   */
  public List<StorageBackend> openBackends(Function<String, String> env) {
    return openBackends(
        env,
        PasswordSource.envOrPrompt(
            JwkKeystore.ARWEAVE_PASSWORD_ENV, env, PasswordSource.console()));
  }

  /**
   * As {@link #openBackends(Function)}; an Arweave {@code wallet} that is an encrypted JWK keystore
   * is opened with a password from {@code passwords} (default: {@code ARWEAVE_KEY_PASSWORD}, else a
   * prompt).
   */
  public List<StorageBackend> openBackends(Function<String, String> env, PasswordSource passwords) {
    List<StorageBackend> out = new ArrayList<>();
    Path base = file.toAbsolutePath().getParent();
    for (Backend b : backends) {
      Map<String, Object> s = b.settings();
      out.add(
          switch (b.type()) {
            case "local" -> new LocalDiskBackend(b.name(), base.resolve((String) s.get("dir")));
            case "s3" -> s3(b, env);
            case "arweave" -> {
              Path wallet = base.resolve((String) s.get("wallet"));
              try {
                yield new ArweaveBackend(
                    b.name(),
                    URI.create((String) s.get("gateway")),
                    ArweaveWallet.read(wallet, passwords));
              } catch (RuntimeException e) {
                throw new AnchorConfigException(
                    b.at() + "backend '" + b.name() + "': wallet " + wallet + ": " + e.getMessage(),
                    e);
              }
            }
            default -> new IpfsBackend(b.name(), URI.create((String) s.get("api")));
          });
    }
    return out;
  }

  private static StorageBackend s3(Backend b, Function<String, String> env) {
    Map<String, Object> s = b.settings();
    String keyEnv = (String) s.getOrDefault("access_key_env", "AWS_ACCESS_KEY_ID");
    String secretEnv = (String) s.getOrDefault("secret_key_env", "AWS_SECRET_ACCESS_KEY");
    String key = env.apply(keyEnv);
    String secret = env.apply(secretEnv);
    if (key == null || key.isEmpty() || secret == null || secret.isEmpty()) {
      throw new AnchorConfigException(
          b.at()
              + "backend '"
              + b.name()
              + "': set the S3 credentials in "
              + keyEnv
              + " and "
              + secretEnv);
    }
    Optional<URI> endpoint = Optional.ofNullable((String) s.get("endpoint")).map(URI::create);
    return new S3Backend(
        b.name(),
        S3Backend.client(
            endpoint,
            (String) s.getOrDefault("region", "us-east-1"),
            S3Backend.staticCredentials(key, secret),
            (Boolean) s.getOrDefault("path_style", endpoint.isPresent())),
        (String) s.get("bucket"),
        (String) s.getOrDefault("prefix", ""),
        S3Backend.MIN_PART);
  }

  /**
   * Asks a backend for a file it does not have, to tell an unreachable server at start-up from a
   * missing group later.
   */
  public static void probe(StorageBackend backend) {
    String locator = backend.locatorFor(new byte[] {0}).orElse("A".repeat(43));
    try {
      backend.exists(locator);
    } catch (BackendException e) {
      throw new BackendException(
          "backend '" + backend.name() + "' is unreachable: " + e.getMessage(), true, e);
    }
  }

  public StorageBackend backend(List<StorageBackend> opened, String name) {
    return opened.stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AnchorConfigException(
                    file
                        + ": no backend named '"
                        + name
                        + "' (backends: "
                        + String.join(", ", backends.stream().map(Backend::name).toList())
                        + ")"));
  }

  private static String required(String v, StrictYaml.Parsed<Raw> parsed, String field) {
    if (v == null || v.isBlank()) {
      throw new AnchorConfigException(parsed.file() + ": field '" + field + "' is required");
    }
    return v;
  }

  private static long nonNegative(long v, StrictYaml.Parsed<Raw> parsed, String field) {
    if (v < 0) {
      throw new AnchorConfigException(
          parsed.where(field) + "field '" + field + "' must be >= 0, got " + v);
    }
    return v;
  }

  private static URI uri(String v, StrictYaml.Parsed<Raw> parsed, String field) {
    try {
      URI u = new URI(v);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new java.net.URISyntaxException(v, "not an http(s) URL");
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new AnchorConfigException(
          parsed.where(field.contains(".") ? "backends" : field)
              + "field '"
              + field
              + "': '"
              + v
              + "' is not an http(s) URL",
          e);
    }
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "AnchorConfig[" + file + "]";
  }
}
