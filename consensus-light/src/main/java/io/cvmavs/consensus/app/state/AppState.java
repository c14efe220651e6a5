package io.cvmavs.consensus.app.state;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.BlsValidatorEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * The CVM chain's consensus state after a committed height (module README, "App state and app
 * hash"). Mutable: {@code FinalizeBlock} works on a {@link #copy()} of the committed state, so a
 * block that is never committed leaves nothing behind. Its byte encoding ({@link #encode}) is what
 * the store keeps; the app hash is {@link #appHash()}.
 */
public final class AppState {
  /**
   * Schema of {@link #encode()}: 2 added the bridge fields (a format-1 state has none), 3 the
   * manuscript registry import (a format-1 or -2 state has imported nothing), 4 the ChainbaseDB
   * root (a format-1 to -3 state has no DB3 data).
   */
  private static final int FORMAT = 4;

  /** Leaves of the app-hash Merkle tree, in this order (README): the index is the leaf position. */
  public static final List<String> COMPONENTS =
      List.of(
          "height",
          "config",
          "cvmBlocksRoot",
          "cvmBlockCount",
          "withdrawalsRoot",
          "manuscripts",
          "signingSet",
          "currentSet",
          "nextSet",
          "ethFinalHeight",
          "epoch",
          "lastCheckpoint",
          "lastCertificate",
          "misbehaviour",
          "bridge",
          "registry",
          "chainbasedb");

  public long height;
  public String chain;
  public long scheduleGenesisBlock;
  public long blocksPerCvmBlock;
  public long epochGenesisBlock;
  public long epochLengthBlocks;
  public long ethFinalHeight;
  public long epoch;
  public IncrementalMerkleTree cvmBlocks = new IncrementalMerkleTree();
  public IncrementalMerkleTree withdrawals = new IncrementalMerkleTree();

  /** Registered manuscripts by lower-case hex hash. */
  public TreeMap<String, ManuscriptHead> manuscripts = new TreeMap<>();

  /** The set that signed {@link #lastCheckpoint} (the validators of {@link #height}). */
  public BlsValidatorSet signingSet;

  /** The validators of {@code height + 1}. */
  public BlsValidatorSet currentSet;

  /** The validators of {@code height + 2}: the next checkpoint's {@code nextValidatorSetHash}. */
  public BlsValidatorSet nextSet;

  /** The checkpoint of {@link #height} (null at genesis). */
  public Checkpoint lastCheckpoint;

  public long lastCertificateHeight;
  public byte[] lastCertificateHash = new byte[32];
  public long misbehaviourCount;
  public byte[] misbehaviourRoot = new byte[32];
  public byte[] appHash = new byte[32];

  /** The next CBridge deposit nonce to credit (deposits 0 .. depositNonce-1 are credited). */
  public long depositNonce;

  /** Sum of every account's balance: `$C` on the CVM chain. */
  public BigInteger supply = BigInteger.ZERO;

  /** Sum of every withdrawal burned (all nonces of {@link #withdrawals}). */
  public BigInteger withdrawn = BigInteger.ZERO;

  /** Bridged `$C` by CVM account (lower-case hex of the 32-byte account word). */
  public TreeMap<String, Account> accounts = new TreeMap<>();

  /**
   * The manuscript registry import: the position on Ethereum after the last change imported (block,
   * log index; the next change must be at or after it), the number of changes imported, and the
   * entries they touched by lower-case hex hash. A manuscript of {@link #manuscripts} without an
   * entry came from genesis and is active.
   */
  public long registryNextBlock;

  public long registryNextLogIndex;
  public long registryImported;
  public TreeMap<String, RegistryEntry> registry = new TreeMap<>();

  /**
   * The ChainbaseDB's state root after {@link #height} (docs/DB3-FORMAT.md §9.3), or the zero word
   * while the ChainbaseDB holds no state (no DB3 mutation was ever applied): the {@code
   * chainbasedb} leaf.
   */
  public byte[] chainbasedbRoot = new byte[32];

  /** True when the ChainbaseDB holds state (the {@code chainbasedb} leaf is not the zero word). */
  public boolean hasDb3Data() {
    return !java.util.Arrays.equals(chainbasedbRoot, new byte[32]);
  }

  /** True when {@code hexHash} is registered and not deprecated or revoked: it gets CVM blocks. */
  public boolean isActive(String hexHash) {
    if (!manuscripts.containsKey(hexHash)) {
      return false;
    }
    RegistryEntry e = registry.get(hexHash);
    return e == null || e.status() == 1;
  }

  public Account account(byte[] word) {
    return accounts.getOrDefault(HexFormat.of().formatHex(word), Account.EMPTY);
  }

  public AppState copy() {
    return decode(encode());
  }

  /** The leaves of the app-hash tree, in {@link #COMPONENTS} order. */
  public List<byte[]> componentLeaves() {
    List<byte[]> l = new ArrayList<>();
    l.add(AbiWords.of().uint(height).bytes());
    l.add(
        AbiWords.of()
            .bytes32(AbiWords.keccak(chain))
            .uint(scheduleGenesisBlock)
            .uint(blocksPerCvmBlock)
            .uint(epochGenesisBlock)
            .uint(epochLengthBlocks)
            .keccak());
    l.add(cvmBlocks.root());
    l.add(AbiWords.of().uint(cvmBlocks.count()).bytes());
    l.add(withdrawals.root());
    AbiWords m = AbiWords.of();
    for (ManuscriptHead h : manuscripts.values()) {
      m.bytes32(h.manuscriptHash())
          .uint(h.nextHeight())
          .bytes32(h.headHash())
          .bytes32(h.headStateRoot());
    }
    l.add(m.keccak());
    l.add(signingSet.hash());
    l.add(currentSet.hash());
    l.add(nextSet.hash());
    l.add(AbiWords.of().uint(ethFinalHeight).bytes());
    l.add(AbiWords.of().uint(epoch).bytes());
    l.add(lastCheckpoint == null ? new byte[32] : lastCheckpoint.digest(chainIdForDigest));
    l.add(AbiWords.of().uint(lastCertificateHeight).bytes32(lastCertificateHash).keccak());
    l.add(misbehaviourLeaf(misbehaviourCount, misbehaviourRoot));
    l.add(bridgeLeaf());
    l.add(registryLeaf());
    l.add(chainbasedbRoot.clone());
    return l;
  }

  /**
   * Zero while no registry change was imported (so a state of format 1 or 2 keeps its app hash);
   * then {@code keccak256(abi.encode(registryNextBlock, registryNextLogIndex, registryImported,
   * entriesHash))}, entriesHash = keccak256 over {@code (manuscriptHash, status, contentHash,
   * keccak256(locator), ethBlock, importedAt)} words of every entry in hash order.
   */
  private byte[] registryLeaf() {
    if (registryImported == 0) {
      return new byte[32];
    }
    AbiWords a = AbiWords.of();
    for (var e : registry.entrySet()) {
      RegistryEntry r = e.getValue();
      a.bytes32(HexFormat.of().parseHex(e.getKey()))
          .uint(r.status())
          .bytes32(java.util.Arrays.copyOf(r.contentHash(), 32))
          .bytes32(AbiWords.keccak(r.locator()))
          .uint(r.ethBlock())
          .uint(r.importedAt());
    }
    return AbiWords.of()
        .uint(registryNextBlock)
        .uint(registryNextLogIndex)
        .uint(registryImported)
        .bytes32(a.keccak())
        .keccak();
  }

  /**
   * {@code keccak256(abi.encode(depositNonce, supply, withdrawn, accountsHash))}, accountsHash =
   * keccak256 over {@code (account, balance, sequence)} words of every account in account order.
   */
  private byte[] bridgeLeaf() {
    AbiWords a = AbiWords.of();
    for (var e : accounts.entrySet()) {
      a.bytes32(HexFormat.of().parseHex(e.getKey()))
          .uint(e.getValue().balance())
          .uint(e.getValue().sequence());
    }
    return AbiWords.of()
        .uint(depositNonce)
        .uint(supply)
        .uint(withdrawn)
        .bytes32(a.keccak())
        .keccak();
  }

  /** The CometBFT chain id (set at InitChain); part of the checkpoint digest. */
  public String chainIdForDigest = "";

  /**
   * The app hash: the root of a binary keccak Merkle tree (node = keccak256(left ‖ right)) over the
   * leaves {@link #componentLeaves()} padded with zero words to a power of two — 16 leaves while
   * every leaf after the 16th is the zero word (so a state without DB3 data, as every state of
   * formats 1 to 3, keeps its app hash), else 32.
   */
  public byte[] computeAppHash() {
    return appHashOf(componentLeaves());
  }

  /**
   * The app hash over {@code leaves} in {@link #COMPONENTS} order, as {@link #computeAppHash} forms
   * it (zero-padded to 16 leaves while every leaf after the 16th is zero, else to 32): what a
   * reader of {@code /state/root} recomputes to check the leaves against a header's {@code
   * app_hash}.
   */
  public static byte[] appHashOf(List<byte[]> leaves) {
    List<byte[]> level = padded(leaves);
    while (level.size() > 1) {
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        up.add(IncrementalMerkleTree.node(level.get(i), level.get(i + 1)));
      }
      level = up;
    }
    return level.get(0);
  }

  /**
   * The bottom level of the app-hash tree: {@link #componentLeaves()} padded with zero words to 16
   * leaves, or to 32 while a leaf after the 16th is not the zero word ({@link #computeAppHash()}).
   */
  public List<byte[]> appHashLeaves() {
    return padded(componentLeaves());
  }

  private static List<byte[]> padded(List<byte[]> leaves) {
    List<byte[]> level = new ArrayList<>(leaves);
    byte[] zero = new byte[32];
    while (level.size() > 16 && java.util.Arrays.equals(level.get(level.size() - 1), zero)) {
      level.remove(level.size() - 1);
    }
    int width = 16;
    while (width < level.size()) {
      width *= 2;
    }
    while (level.size() < width) {
      level.add(new byte[32]);
    }
    return level;
  }

  /**
   * The Merkle siblings of leaf {@code index} of {@link #appHashLeaves()}, bottom-up: 4 for the
   * 16-leaf tree, 5 for the 32-leaf one. With the leaf they lead to {@link #computeAppHash()}.
   */
  public List<byte[]> appHashSiblings(int index) {
    List<byte[]> level = appHashLeaves();
    if (index < 0 || index >= level.size()) {
      throw new AppException("app-hash leaf " + index + " out of range 0.." + (level.size() - 1));
    }
    List<byte[]> siblings = new ArrayList<>();
    int at = index;
    while (level.size() > 1) {
      siblings.add(level.get(at ^ 1).clone());
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        up.add(IncrementalMerkleTree.node(level.get(i), level.get(i + 1)));
      }
      level = up;
      at >>= 1;
    }
    return siblings;
  }

  /** The root {@code leaf} at {@code index} with {@code siblings} (bottom-up) leads to. */
  public static byte[] appHashFromProof(byte[] leaf, int index, List<byte[]> siblings) {
    byte[] node = leaf.clone();
    int at = index;
    for (byte[] s : siblings) {
      node =
          (at & 1) == 0 ? IncrementalMerkleTree.node(node, s) : IncrementalMerkleTree.node(s, node);
      at >>= 1;
    }
    return node;
  }

  /** The {@code misbehaviour} leaf: keccak256(abi.encode(uint256 count, bytes32 root)). */
  public static byte[] misbehaviourLeaf(long count, byte[] root) {
    return AbiWords.of().uint(count).bytes32(root).keccak();
  }

  public byte[] appHash() {
    return appHash.clone();
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(height);
      out.writeUTF(chain);
      out.writeUTF(chainIdForDigest);
      out.writeLong(scheduleGenesisBlock);
      out.writeLong(blocksPerCvmBlock);
      out.writeLong(epochGenesisBlock);
      out.writeLong(epochLengthBlocks);
      out.writeLong(ethFinalHeight);
      out.writeLong(epoch);
      cvmBlocks.writeTo(out);
      withdrawals.writeTo(out);
      out.writeInt(manuscripts.size());
      for (ManuscriptHead h : manuscripts.values()) {
        out.write(h.manuscriptHash());
        out.writeLong(h.nextHeight());
        out.write(h.headHash());
        out.write(h.headStateRoot());
      }
      writeSet(out, signingSet);
      writeSet(out, currentSet);
      writeSet(out, nextSet);
      out.writeBoolean(lastCheckpoint != null);
      if (lastCheckpoint != null) {
        out.writeLong(lastCheckpoint.height());
        out.write(lastCheckpoint.appHash());
        out.write(lastCheckpoint.cvmBlockHash());
        out.write(lastCheckpoint.cumulativeRoot());
        out.write(lastCheckpoint.withdrawalsRoot());
        out.write(lastCheckpoint.nextValidatorSetHash());
      }
      out.writeLong(lastCertificateHeight);
      out.write(lastCertificateHash);
      out.writeLong(misbehaviourCount);
      out.write(misbehaviourRoot);
      out.write(appHash);
      out.writeLong(depositNonce);
      writeUint(out, supply);
      writeUint(out, withdrawn);
      out.writeInt(accounts.size());
      for (var e : accounts.entrySet()) {
        out.write(HexFormat.of().parseHex(e.getKey()));
        writeUint(out, e.getValue().balance());
        out.writeLong(e.getValue().sequence());
      }
      out.writeLong(registryNextBlock);
      out.writeLong(registryNextLogIndex);
      out.writeLong(registryImported);
      out.writeInt(registry.size());
      for (var e : registry.entrySet()) {
        RegistryEntry r = e.getValue();
        out.write(HexFormat.of().parseHex(e.getKey()));
        out.writeInt(r.status());
        out.writeInt(r.contentHash().length);
        out.write(r.contentHash());
        out.writeUTF(r.locator());
        out.writeLong(r.ethBlock());
        out.writeLong(r.importedAt());
      }
      out.write(chainbasedbRoot);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws AppException when the bytes are not a state this version wrote
   */
  public static AppState decode(byte[] bytes) {
    AppState s = new AppState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format < 1 || format > FORMAT) {
        throw new AppException("stored app state has format " + format + ", expected " + FORMAT);
      }
      s.height = in.readLong();
      s.chain = in.readUTF();
      s.chainIdForDigest = in.readUTF();
      s.scheduleGenesisBlock = in.readLong();
      s.blocksPerCvmBlock = in.readLong();
      s.epochGenesisBlock = in.readLong();
      s.epochLengthBlocks = in.readLong();
      s.ethFinalHeight = in.readLong();
      s.epoch = in.readLong();
      s.cvmBlocks = IncrementalMerkleTree.readFrom(in);
      s.withdrawals = IncrementalMerkleTree.readFrom(in);
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        ManuscriptHead h = new ManuscriptHead(read32(in), in.readLong(), read32(in), read32(in));
        s.manuscripts.put(HexFormat.of().formatHex(h.manuscriptHash()), h);
      }
      s.signingSet = readSet(in);
      s.currentSet = readSet(in);
      s.nextSet = readSet(in);
      if (in.readBoolean()) {
        s.lastCheckpoint =
            new Checkpoint(
                in.readLong(), read32(in), read32(in), read32(in), read32(in), read32(in));
      }
      s.lastCertificateHeight = in.readLong();
      s.lastCertificateHash = read32(in);
      s.misbehaviourCount = in.readLong();
      s.misbehaviourRoot = read32(in);
      s.appHash = read32(in);
      if (format >= 2) {
        s.depositNonce = in.readLong();
        s.supply = readUint(in);
        s.withdrawn = readUint(in);
        int accounts = in.readInt();
        if (accounts < 0) {
          throw new IOException("account count " + accounts + " out of range");
        }
        for (int i = 0; i < accounts; i++) {
          String key = HexFormat.of().formatHex(read32(in));
          s.accounts.put(key, new Account(readUint(in), in.readLong()));
        }
      }
      if (format >= 3) {
        s.registryNextBlock = in.readLong();
        s.registryNextLogIndex = in.readLong();
        s.registryImported = in.readLong();
        int entries = in.readInt();
        if (entries < 0) {
          throw new IOException("registry entry count " + entries + " out of range");
        }
        for (int i = 0; i < entries; i++) {
          String key = HexFormat.of().formatHex(read32(in));
          int status = in.readInt();
          int len = in.readInt();
          if (len != 0 && len != 32) {
            throw new IOException("registry content hash of " + len + " bytes");
          }
          byte[] content = in.readNBytes(len);
          if (content.length != len) {
            throw new IOException("truncated registry content hash");
          }
          s.registry.put(
              key, new RegistryEntry(status, content, in.readUTF(), in.readLong(), in.readLong()));
        }
      }
      if (format >= 4) {
        s.chainbasedbRoot = read32(in);
      }
      if (in.available() != 0) {
        throw new AppException("stored app state has " + in.available() + " trailing bytes");
      }
    } catch (IOException e) {
      throw new AppException("stored app state is truncated or corrupt: " + e.getMessage(), e);
    }
    return s;
  }

  private static byte[] read32(DataInputStream in) throws IOException {
    byte[] b = in.readNBytes(32);
    if (b.length != 32) {
      throw new IOException("truncated 32-byte field");
    }
    return b;
  }

  private static void writeUint(DataOutputStream out, BigInteger v) throws IOException {
    out.write(AbiWords.of().uint(v).bytes());
  }

  private static BigInteger readUint(DataInputStream in) throws IOException {
    return new BigInteger(1, read32(in));
  }

  private static void writeSet(DataOutputStream out, BlsValidatorSet set) throws IOException {
    out.writeInt(set.size());
    for (BlsValidator v : set.entries()) {
      byte[] e = TxCodec.entry(v).toByteArray();
      out.writeInt(e.length);
      out.write(e);
    }
  }

  private static BlsValidatorSet readSet(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 1 || n > 100_000) {
      throw new IOException("validator set size " + n + " out of range");
    }
    List<BlsValidator> vs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > 4096) {
        throw new IOException("validator entry length " + len + " out of range");
      }
      try {
        vs.add(
            TxCodec.validator(
                BlsValidatorEntry.parseFrom(in.readNBytes(len)), "state.set[" + i + "]"));
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("validator entry " + i + ": " + e.getMessage());
      }
    }
    return BlsValidatorSet.of(vs);
  }
}
