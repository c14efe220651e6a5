// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title CvmRecordCodec — reads the fields of a CVM canonical record (docs/PROOFS.md, `CanonicalEncoding.java`).
/// @notice A record is `u32 fieldCount ‖ field_1 ‖ … ‖ field_n`, a field is `tag:u8 ‖ payload`, all integers
///         big-endian: 0x00 NULL (no payload), 0x01 BOOLEAN (u8 0|1), 0x02 INTEGER (i64), 0x03 DECIMAL (u32 len ‖
///         ASCII plain decimal, no trailing zeros, "0" for zero), 0x04 DOUBLE (u64 IEEE-754 bits), 0x05 STRING
///         (u32 len ‖ UTF-8), 0x06 BYTES (u32 len ‖ bytes), 0x07 TIMESTAMP (i64 µs since the epoch, UTC), 0x08 DATE
///         (i64 days since the epoch). Readers take the field by column index and revert when the field has another
///         type, so a consumer never misreads a column. Chain datasets keep addresses and hashes as lower-case `0x`
///         STRINGs and 256-bit quantities as DECIMALs: `readAddress`, `readBytes32`, `readUint256` accept those.
library CvmRecordCodec {
    uint8 internal constant NULL = 0x00;
    uint8 internal constant BOOLEAN = 0x01;
    uint8 internal constant INTEGER = 0x02;
    uint8 internal constant DECIMAL = 0x03;
    uint8 internal constant DOUBLE = 0x04;
    uint8 internal constant STRING = 0x05;
    uint8 internal constant BYTES = 0x06;
    uint8 internal constant TIMESTAMP = 0x07;
    uint8 internal constant DATE = 0x08;

    /// @notice The record ends inside a field, or has bytes left after its last field, at byte `offset`.
    error MalformedRecord(uint256 offset);
    /// @notice Field `index` has tag `tag`, which the canonical encoding does not define.
    error UnknownTag(uint256 index, uint8 tag);
    /// @notice The record has `fieldCount` fields; field `index` was asked for.
    error FieldOutOfRange(uint256 index, uint256 fieldCount);
    /// @notice Field `index` has tag `actual`; the reader needs `expected`.
    error WrongFieldType(uint256 index, uint8 expected, uint8 actual);
    /// @notice Field `index` is not of the shape the reader converts (e.g. a fraction for an integer, a negative
    ///         value for an unsigned one, a string that is not `0x` + 40 hex digits for an address).
    error UnconvertibleField(uint256 index);

    /// @notice Where a field sits in its record: `tag`, and `payload` bytes from `start` (for NULL, BOOLEAN and the
    ///         8-byte types `length` is the fixed payload size; for DECIMAL/STRING/BYTES it excludes the prefix).
    struct Field {
        uint8 tag;
        uint256 start;
        uint256 length;
    }

    /// @notice The number of fields, after checking that the whole record is well-formed.
    function fieldCount(bytes memory record) internal pure returns (uint256 n) {
        n = _u32(record, 0);
        uint256 offset = 4;
        for (uint256 i; i < n; ++i) {
            Field memory f = _field(record, offset, i);
            offset = f.start + f.length;
        }
        if (offset != record.length) revert MalformedRecord(offset);
    }

    /// @notice Field `index` of a well-formed record (the whole record is checked).
    function field(bytes memory record, uint256 index) internal pure returns (Field memory f) {
        uint256 n = _u32(record, 0);
        if (index >= n) revert FieldOutOfRange(index, n);
        uint256 offset = 4;
        for (uint256 i; i < n; ++i) {
            Field memory g = _field(record, offset, i);
            if (i == index) f = g;
            offset = g.start + g.length;
        }
        if (offset != record.length) revert MalformedRecord(offset);
    }

    function isNull(bytes memory record, uint256 index) internal pure returns (bool) {
        return field(record, index).tag == NULL;
    }

    function readBool(bytes memory record, uint256 index) internal pure returns (bool) {
        Field memory f = _typed(record, index, BOOLEAN);
        return record[f.start] != 0;
    }

    /// @notice An INTEGER field (SQL TINYINT … BIGINT).
    function readInt64(bytes memory record, uint256 index) internal pure returns (int64) {
        Field memory f = _typed(record, index, INTEGER);
        return int64(uint64(_uint(record, f.start, 8)));
    }

    /// @notice A TIMESTAMP field: microseconds since 1970-01-01T00:00Z.
    function readTimestampMicros(bytes memory record, uint256 index) internal pure returns (int64) {
        Field memory f = _typed(record, index, TIMESTAMP);
        return int64(uint64(_uint(record, f.start, 8)));
    }

    /// @notice A DATE field: days since 1970-01-01.
    function readDateDays(bytes memory record, uint256 index) internal pure returns (int64) {
        Field memory f = _typed(record, index, DATE);
        return int64(uint64(_uint(record, f.start, 8)));
    }

    /// @notice A DOUBLE field's IEEE-754 bits (NaN canonical 0x7ff8…, −0.0 stored as +0.0).
    function readDoubleBits(bytes memory record, uint256 index) internal pure returns (uint64) {
        Field memory f = _typed(record, index, DOUBLE);
        return uint64(_uint(record, f.start, 8));
    }

    function readString(bytes memory record, uint256 index) internal pure returns (string memory) {
        Field memory f = _typed(record, index, STRING);
        return string(_slice(record, f.start, f.length));
    }

    function readBytes(bytes memory record, uint256 index) internal pure returns (bytes memory) {
        Field memory f = _typed(record, index, BYTES);
        return _slice(record, f.start, f.length);
    }

    /// @notice A DECIMAL field's canonical text (e.g. "-12.5").
    function readDecimalText(bytes memory record, uint256 index) internal pure returns (string memory) {
        Field memory f = _typed(record, index, DECIMAL);
        return string(_slice(record, f.start, f.length));
    }

    /// @notice A non-negative whole number: a DECIMAL without fraction or sign (uint256 quantities of the chain
    ///         datasets), or a non-negative INTEGER.
    function readUint256(bytes memory record, uint256 index) internal pure returns (uint256) {
        Field memory f = field(record, index);
        if (f.tag == INTEGER) {
            int64 v = int64(uint64(_uint(record, f.start, 8)));
            if (v < 0) revert UnconvertibleField(index);
            return uint256(uint64(v));
        }
        if (f.tag != DECIMAL) revert WrongFieldType(index, DECIMAL, f.tag);
        return _digits(record, f.start, f.length, index);
    }

    /// @notice A whole number: a DECIMAL without fraction (optionally "-"), or an INTEGER.
    function readInt256(bytes memory record, uint256 index) internal pure returns (int256) {
        Field memory f = field(record, index);
        if (f.tag == INTEGER) return int256(int64(uint64(_uint(record, f.start, 8))));
        if (f.tag != DECIMAL) revert WrongFieldType(index, DECIMAL, f.tag);
        bool negative = f.length > 0 && record[f.start] == "-";
        if (!negative) {
            uint256 u = _digits(record, f.start, f.length, index);
            if (u > uint256(type(int256).max)) revert UnconvertibleField(index);
            return int256(u);
        }
        uint256 m = _digits(record, f.start + 1, f.length - 1, index);
        // "-0" is not canonical (zero is "0"), and the magnitude may reach 2^255 (type(int256).min).
        if (m == 0 || m > uint256(type(int256).max) + 1) revert UnconvertibleField(index);
        if (m == uint256(type(int256).max) + 1) return type(int256).min;
        return -int256(m);
    }

    /// @notice An address: a STRING `0x` + 40 hex digits (either case), or 20 BYTES.
    function readAddress(bytes memory record, uint256 index) internal pure returns (address) {
        Field memory f = field(record, index);
        if (f.tag == BYTES) {
            if (f.length != 20) revert UnconvertibleField(index);
            return address(uint160(_uint(record, f.start, 20)));
        }
        if (f.tag != STRING) revert WrongFieldType(index, STRING, f.tag);
        return address(uint160(_hex(record, f, 20, index)));
    }

    /// @notice A 32-byte hash: a STRING `0x` + 64 hex digits (either case), or 32 BYTES.
    function readBytes32(bytes memory record, uint256 index) internal pure returns (bytes32) {
        Field memory f = field(record, index);
        if (f.tag == BYTES) {
            if (f.length != 32) revert UnconvertibleField(index);
            return bytes32(_uint(record, f.start, 32));
        }
        if (f.tag != STRING) revert WrongFieldType(index, STRING, f.tag);
        return bytes32(_hex(record, f, 32, index));
    }

    // ------------------------------------------------------------------------------------------------- internals

    function _typed(bytes memory record, uint256 index, uint8 tag) private pure returns (Field memory f) {
        f = field(record, index);
        if (f.tag != tag) revert WrongFieldType(index, tag, f.tag);
    }

    /// @dev Parses the field starting at `offset`; reverts when it runs past the record's end.
    function _field(bytes memory record, uint256 offset, uint256 index) private pure returns (Field memory f) {
        if (offset >= record.length) revert MalformedRecord(offset);
        f.tag = uint8(record[offset]);
        f.start = offset + 1;
        if (f.tag == NULL) {
            f.length = 0;
        } else if (f.tag == BOOLEAN) {
            f.length = 1;
        } else if (f.tag == INTEGER || f.tag == DOUBLE || f.tag == TIMESTAMP || f.tag == DATE) {
            f.length = 8;
        } else if (f.tag == DECIMAL || f.tag == STRING || f.tag == BYTES) {
            f.length = _u32(record, offset + 1);
            f.start = offset + 5;
        } else {
            revert UnknownTag(index, f.tag);
        }
        if (f.start + f.length > record.length) revert MalformedRecord(offset);
    }

    function _u32(bytes memory record, uint256 offset) private pure returns (uint256) {
        if (offset + 4 > record.length) revert MalformedRecord(offset);
        return _uint(record, offset, 4);
    }

    /// @dev The big-endian unsigned integer in `record[offset, offset + n)`, n ≤ 32, bounds already checked.
    function _uint(bytes memory record, uint256 offset, uint256 n) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(sub(256, mul(n, 8)), mload(add(add(record, 0x20), offset)))
        }
    }

    function _slice(bytes memory record, uint256 start, uint256 length) private pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            out[i] = record[start + i];
        }
    }

    /// @dev ASCII digits without a leading zero (except "0" itself), as the canonical encoding writes them.
    function _digits(bytes memory record, uint256 start, uint256 length, uint256 index)
        private
        pure
        returns (uint256 v)
    {
        if (length == 0 || length > 78 || (length > 1 && record[start] == "0")) {
            revert UnconvertibleField(index);
        }
        for (uint256 i; i < length; ++i) {
            uint8 c = uint8(record[start + i]);
            if (c < 0x30 || c > 0x39) revert UnconvertibleField(index);
            // 78 digits can exceed 2^256 − 1: check before multiplying.
            if (v > (type(uint256).max - (c - 0x30)) / 10) revert UnconvertibleField(index);
            v = v * 10 + (c - 0x30);
        }
    }

    /// @dev `0x` followed by exactly 2·size hex digits.
    function _hex(bytes memory record, Field memory f, uint256 size, uint256 index) private pure returns (uint256 v) {
        if (f.length != 2 + 2 * size || record[f.start] != "0" || (record[f.start + 1] != "x")) {
            revert UnconvertibleField(index);
        }
        for (uint256 i = 2; i < f.length; ++i) {
            uint8 c = uint8(record[f.start + i]);
            uint256 d;
            if (c >= 0x30 && c <= 0x39) d = c - 0x30;
            else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
            else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
            else revert UnconvertibleField(index);
            v = (v << 4) | d;
        }
    }
}
