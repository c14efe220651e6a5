#!/usr/bin/env python3
"""Independent check of the DB3 golden vectors (docs/DB3-FORMAT.md), standard library only.

Reimplements, from the format document and not from the Java code: the PLAIN encoding, the
envelope layout, the payload layouts of CREATE_DATABASE / CREATE_COLLECTION / ADD_DOCUMENTS /
GROUP (from the vector's JSON form), a BSON encoder for string and int32 fields, the SHA-256
Merkle signing hash (RFC 6962 shape, 0x00 leaf / 0x01 node prefixes) and the database address
derivation. Usage: db3_signing_hash.py VECTORS.json  -> prints one line per vector; exit 1 on
any mismatch.
"""
import hashlib
import json
import struct
import sys


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def bytes_(b):
    return u32(len(b)) + b


def string(s):
    return bytes_(s.encode("utf-8"))


def plist(items, enc):
    return u32(len(items)) + b"".join(enc(x) for x in items)


def bson_doc(obj):
    body = b""
    for k, v in obj.items():
        key = k.encode("utf-8") + b"\x00"
        if isinstance(v, str):
            s = v.encode("utf-8") + b"\x00"
            body += b"\x02" + key + struct.pack("<i", len(s)) + s
        elif isinstance(v, dict) and set(v) == {"$numberInt"}:
            body += b"\x10" + key + struct.pack("<i", int(v["$numberInt"]))
        else:
            raise ValueError("this checker encodes only string and int32 fields: %r" % (v,))
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def payload(ptype, d):
    if ptype == "CREATE_DATABASE":
        return (string(d["name"]) + string(d["description"]) + plist(d["members"], string)
                + plist(d["permission_list"], string))
    if ptype == "CREATE_COLLECTION":
        def index(i):
            return (string(i["name"]) + string(i["kind"]) + plist(i["fields"], string)
                    + u32(i["dimension"]) + string(i["metric"]))
        return string(d["db"]) + string(d["name"]) + plist(d["indexes"], index)
    if ptype == "ADD_DOCUMENTS":
        return (string(d["db"]) + string(d["collection"])
                + plist(d["documents"], lambda doc: bytes_(bson_doc(doc))))
    if ptype == "GROUP":
        return plist(d["items"], lambda it: string(it["type"]) + bytes_(payload(it["type"], it["data"])))
    raise ValueError("no encoder for " + ptype)


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01", mth(leaves[:k]), mth(leaves[k:]))


def signing_root(version, chain_id, chain, nonce, mtype, data):
    fields = [u32(version), u64(chain_id), string(chain), u64(nonce), string(mtype), bytes_(data)]
    return mth([sha256(b"\x00", f) for f in fields])


class Reader:
    def __init__(self, b):
        self.b, self.p = b, 0

    def take(self, n):
        if self.p + n > len(self.b):
            raise ValueError("truncated")
        out = self.b[self.p:self.p + n]
        self.p += n
        return out

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def bytes_(self):
        return self.take(self.u32())


def check(v):
    enc = bytes.fromhex(v["encoded"][2:])
    r = Reader(enc)
    version, chain_id = r.u32(), r.u64()
    chain = r.bytes_().decode()
    nonce = r.u64()
    sig = r.bytes_()
    pk = r.bytes_() if r.take(1) == b"\x01" else None
    mtype = r.bytes_().decode()
    data = r.bytes_()
    if r.p != len(enc):
        raise ValueError("trailing bytes in the encoded mutation")
    j = v["json"]
    assert j["version"] == version and int(j["chain_id"]) == chain_id, "envelope vs JSON"
    assert j["sender_payment_chain_id"] == chain and int(j["nonce"]) == nonce, "envelope vs JSON"
    assert j["type"] == mtype and j["sender_signature"] == "0x" + sig.hex(), "envelope vs JSON"
    assert (j["sender_public_key"] is None) == (pk is None), "public key presence"
    if payload(mtype, j["data"]) != data:
        raise ValueError("data re-encoded from the JSON form differs from the signed data")
    root = signing_root(version, chain_id, chain, nonce, mtype, data)
    if "0x" + root.hex() != v["signing_root"]:
        raise ValueError("signing root %s != expected %s" % (root.hex(), v["signing_root"]))
    return nonce, root


def main(path):
    vectors = json.load(open(path))
    ok = True
    by_name = {}
    for v in vectors:
        try:
            nonce, root = check(v)
            by_name[v["name"]] = v
            print("OK %s 0x%s" % (v["name"], root.hex()))
        except (ValueError, AssertionError, KeyError) as e:
            ok = False
            print("MISMATCH %s: %s" % (v["name"], e))
    # The database address of the first vector is the db the second one writes to.
    first = by_name.get("eth-create-database")
    group = by_name.get("eth-group-collection-and-documents")
    if first and group:
        h = sha256(first["sender"].encode("utf-8"), u64(int(first["json"]["nonce"])), u32(0))
        addr = "db3_db:cvm:0x" + h[12:].hex()
        used = group["json"]["data"]["items"][0]["data"]["db"]
        if addr != used:
            ok = False
            print("MISMATCH database address %s != %s" % (addr, used))
        else:
            print("OK database-address " + addr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
