// A small Kubo-RPC-compatible IPFS daemon for tests, built on Helia's UnixFS (@helia/unixfs) with an in-memory
// blockstore and no networking (it never dials a peer). It answers the calls the storage adapter makes:
//   POST /api/v0/id, /api/v0/add (multipart file; cid-version, raw-leaves, chunker=size-N honoured; balanced DAG of at
//   most 174 links per node, as Kubo), /api/v0/cat?arg=, /api/v0/pin/add?arg=, /api/v0/block/stat?arg=
// Usage: node tools/ipfs/helia-rpc.mjs <port>   (listens on 127.0.0.1 only)
// A real Kubo daemon answers the same calls: point the adapter at its API address instead.
import http from "node:http";
import { unixfs } from "@helia/unixfs";
import { MemoryBlockstore } from "blockstore-core";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";

const port = Number(process.argv[2] || 5001);
const blockstore = new MemoryBlockstore();
const fs = unixfs({ blockstore });
const pins = new Set();

function fail(res, status, message) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ Message: message, Code: 0, Type: "error" }) + "\n");
}

function ok(res, body) {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body) + "\n");
}

async function readBody(req) {
  const parts = [];
  for await (const p of req) parts.push(p);
  return Buffer.concat(parts);
}

function firstFilePart(body, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || "");
  if (!m) throw new Error("add needs a multipart/form-data body");
  const boundary = Buffer.from("--" + (m[1] || m[2]).trim());
  const start = body.indexOf(boundary);
  const headerEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(Buffer.concat([Buffer.from("\r\n"), boundary]), headerEnd);
  if (start < 0 || headerEnd < 0 || end < 0) throw new Error("malformed multipart body");
  const headers = body.subarray(start, headerEnd).toString("utf8");
  const name = /filename="([^"]*)"/i.exec(headers);
  return { name: name ? name[1] : "", data: body.subarray(headerEnd + 4, end) };
}

function cidArg(url) {
  const arg = url.searchParams.get("arg");
  if (!arg) throw new Error("argument \"arg\" is required");
  return CID.parse(arg.replace(/^\/ipfs\//, ""));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  try {
    if (req.method !== "POST") return fail(res, 405, "Kubo RPC calls are POST");
    switch (url.pathname) {
      case "/api/v0/id":
        return ok(res, { ID: "helia-test-daemon", AgentVersion: "helia-rpc/1" });
      case "/api/v0/add": {
        const { name, data } = firstFilePart(await readBody(req), req.headers["content-type"]);
        const chunker = url.searchParams.get("chunker") || "size-262144";
        const size = /^size-(\d+)$/.exec(chunker);
        if (!size) return fail(res, 400, "only chunker=size-N is supported, got " + chunker);
        const cid = await fs.addBytes(new Uint8Array(data), {
          cidVersion: Number(url.searchParams.get("cid-version") || 0),
          rawLeaves: url.searchParams.get("raw-leaves") === "true",
          chunker: fixedSize({ chunkSize: Number(size[1]) }),
          layout: balanced({ maxChildrenPerNode: 174 }),
          reduceSingleLeafToSelf: true,
        });
        if (url.searchParams.get("pin") !== "false") pins.add(cid.toString());
        return ok(res, { Name: name, Hash: cid.toString(), Size: String(data.length) });
      }
      case "/api/v0/cat": {
        const cid = cidArg(url);
        if (!(await blockstore.has(cid))) return fail(res, 500, "block was not found locally (offline): " + cid);
        res.writeHead(200, { "Content-Type": "application/octet-stream" });
        for await (const chunk of fs.cat(cid)) res.write(chunk);
        return res.end();
      }
      case "/api/v0/pin/add": {
        const cid = cidArg(url);
        await fs.stat(cid, { offline: true });
        pins.add(cid.toString());
        return ok(res, { Pins: [cid.toString()] });
      }
      case "/api/v0/block/stat": {
        const cid = cidArg(url);
        if (!(await blockstore.has(cid))) return fail(res, 500, "block was not found locally (offline): " + cid);
        let bytes = await blockstore.get(cid);
        if (!(bytes instanceof Uint8Array)) {
          const parts = [];
          for await (const p of bytes) parts.push(p);
          bytes = Buffer.concat(parts);
        }
        return ok(res, { Key: cid.toString(), Size: bytes.length });
      }
      default:
        return fail(res, 404, "unsupported call " + url.pathname);
    }
  } catch (e) {
    return fail(res, 500, String(e && e.message ? e.message : e));
  }
});
server.listen(port, "127.0.0.1", () => console.log("helia-rpc listening on 127.0.0.1:" + port));
