// Independent check of our Arweave chunking: arweave-js (npm `arweave`) computes the data_root and every
// chunk's data_path of the file given as argv[2] and prints them as JSON (base64url), for ArweaveMerkleTest.
const fs = require("fs");
const { generateTransactionChunks } = require("arweave/node/lib/merkle");
const { bufferTob64Url } = require("arweave/node/lib/utils");

(async () => {
  const data = new Uint8Array(fs.readFileSync(process.argv[2]));
  const t = await generateTransactionChunks(data);
  process.stdout.write(
    JSON.stringify({
      dataRoot: bufferTob64Url(t.data_root),
      chunks: t.chunks.map((c) => [c.minByteRange, c.maxByteRange]),
      proofs: t.proofs.map((p) => ({ offset: p.offset, path: bufferTob64Url(p.proof) })),
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
