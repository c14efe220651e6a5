// Independent check of our Arweave transactions: arweave-js verifies the signed transaction in argv[2] (JSON, as
// posted) and recomputes the data_root of the data file argv[3]; prints JSON for ArweaveBackendIT.
const fs = require("fs");
const Arweave = require("arweave");
const { generateTransactionChunks } = require("arweave/node/lib/merkle");
const { bufferTob64Url, b64UrlToString } = require("arweave/node/lib/utils");

(async () => {
  const arweave = Arweave.init({});
  const json = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  json.data = "";
  const tx = arweave.transactions.fromRaw(json);
  const valid = await arweave.transactions.verify(tx);
  const data = new Uint8Array(fs.readFileSync(process.argv[3]));
  const chunks = await generateTransactionChunks(data);
  const owner = await arweave.wallets.ownerToAddress(tx.owner);
  process.stdout.write(
    JSON.stringify({
      valid,
      dataRoot: bufferTob64Url(chunks.data_root),
      dataRootMatches: bufferTob64Url(chunks.data_root) === tx.data_root,
      ownerAddress: owner,
      tags: tx.tags.map((t) => [b64UrlToString(t.name), b64UrlToString(t.value)]),
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
