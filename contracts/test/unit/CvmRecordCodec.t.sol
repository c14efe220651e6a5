// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {CvmRecordCodec} from "../../src/libraries/CvmRecordCodec.sol";
import {Test} from "forge-std/Test.sol";

/// @dev External entry points so that reverts can be expected.
contract CvmRecordCodecHarness {
    function fieldCount(bytes memory r) external pure returns (uint256) {
        return CvmRecordCodec.fieldCount(r);
    }

    function tag(bytes memory r, uint256 i) external pure returns (uint8) {
        return CvmRecordCodec.field(r, i).tag;
    }

    function readBool(bytes memory r, uint256 i) external pure returns (bool) {
        return CvmRecordCodec.readBool(r, i);
    }

    function readInt64(bytes memory r, uint256 i) external pure returns (int64) {
        return CvmRecordCodec.readInt64(r, i);
    }

    function readTimestampMicros(bytes memory r, uint256 i) external pure returns (int64) {
        return CvmRecordCodec.readTimestampMicros(r, i);
    }

    function readDateDays(bytes memory r, uint256 i) external pure returns (int64) {
        return CvmRecordCodec.readDateDays(r, i);
    }

    function readDoubleBits(bytes memory r, uint256 i) external pure returns (uint64) {
        return CvmRecordCodec.readDoubleBits(r, i);
    }

    function readString(bytes memory r, uint256 i) external pure returns (string memory) {
        return CvmRecordCodec.readString(r, i);
    }

    function readBytes(bytes memory r, uint256 i) external pure returns (bytes memory) {
        return CvmRecordCodec.readBytes(r, i);
    }

    function readDecimalText(bytes memory r, uint256 i) external pure returns (string memory) {
        return CvmRecordCodec.readDecimalText(r, i);
    }

    function readUint256(bytes memory r, uint256 i) external pure returns (uint256) {
        return CvmRecordCodec.readUint256(r, i);
    }

    function readInt256(bytes memory r, uint256 i) external pure returns (int256) {
        return CvmRecordCodec.readInt256(r, i);
    }

    function readAddress(bytes memory r, uint256 i) external pure returns (address) {
        return CvmRecordCodec.readAddress(r, i);
    }

    function readBytes32(bytes memory r, uint256 i) external pure returns (bytes32) {
        return CvmRecordCodec.readBytes32(r, i);
    }
}

/// @notice Every record of `cvm/src/test/resources/fixtures/attested-records.json` (written by the Java encoder,
///         `AttestedRecordsFixtureTest`) decodes field by field to the values Java put in, readers refuse fields of
///         another type or shape, and every record the Java decoder refuses is refused here too.
contract CvmRecordCodec_JavaVectors is Test {
    CvmRecordCodecHarness internal h = new CvmRecordCodecHarness();
    string internal json;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/cvm/src/test/resources/fixtures/attested-records.json"));
    }

    function _has(string memory key) internal view returns (bool) {
        return vm.keyExistsJson(json, key);
    }

    function test_EveryJavaRecordDecodesToItsValues() public {
        uint256 checked;
        for (uint256 r = 0; _has(string.concat(".codec[", vm.toString(r), "]")); r++) {
            string memory rec = string.concat(".codec[", vm.toString(r), "]");
            bytes memory record = vm.parseJsonBytes(json, string.concat(rec, ".record"));
            uint256 n;
            while (_has(string.concat(rec, ".fields[", vm.toString(n), "]"))) n++;
            assertEq(h.fieldCount(record), n, "field count");
            for (uint256 i; i < n; ++i) {
                _checkField(record, i, string.concat(rec, ".fields[", vm.toString(i), "]"));
                checked++;
            }
        }
        assertGt(checked, 25, "fixture has fields");
    }

    function _checkField(bytes memory record, uint256 i, string memory f) internal {
        uint8 tag = uint8(vm.parseJsonUint(json, string.concat(f, ".tag")));
        assertEq(h.tag(record, i), tag, "tag");
        string memory value =
            _has(string.concat(f, ".value")) ? vm.parseJsonString(json, string.concat(f, ".value")) : "";
        if (tag == CvmRecordCodec.BOOLEAN) assertEq(h.readBool(record, i), vm.parseBool(value));
        if (tag == CvmRecordCodec.INTEGER) assertEq(h.readInt64(record, i), vm.parseInt(value));
        if (tag == CvmRecordCodec.TIMESTAMP) assertEq(h.readTimestampMicros(record, i), vm.parseInt(value));
        if (tag == CvmRecordCodec.DATE) assertEq(h.readDateDays(record, i), vm.parseInt(value));
        if (tag == CvmRecordCodec.DOUBLE) assertEq(h.readDoubleBits(record, i), vm.parseUint(value));
        if (tag == CvmRecordCodec.STRING) assertEq(h.readString(record, i), value);
        if (tag == CvmRecordCodec.BYTES) assertEq(h.readBytes(record, i), vm.parseBytes(value));
        if (tag == CvmRecordCodec.DECIMAL) assertEq(h.readDecimalText(record, i), value);
        if (tag == CvmRecordCodec.INTEGER || tag == CvmRecordCodec.DECIMAL) {
            if (_has(string.concat(f, ".uint256"))) {
                assertEq(h.readUint256(record, i), vm.parseUint(vm.parseJsonString(json, string.concat(f, ".uint256"))));
            } else {
                vm.expectRevert();
                h.readUint256(record, i);
            }
            if (_has(string.concat(f, ".int256"))) {
                assertEq(h.readInt256(record, i), vm.parseInt(vm.parseJsonString(json, string.concat(f, ".int256"))));
            } else {
                vm.expectRevert();
                h.readInt256(record, i);
            }
        }
        if (tag == CvmRecordCodec.STRING || tag == CvmRecordCodec.BYTES) {
            if (_has(string.concat(f, ".address"))) {
                assertEq(h.readAddress(record, i), _addr(vm.parseJsonString(json, string.concat(f, ".address"))));
            } else {
                vm.expectRevert(abi.encodeWithSelector(CvmRecordCodec.UnconvertibleField.selector, i));
                h.readAddress(record, i);
            }
            if (_has(string.concat(f, ".bytes32"))) {
                assertEq(
                    h.readBytes32(record, i), vm.parseBytes32(vm.parseJsonString(json, string.concat(f, ".bytes32")))
                );
            } else {
                vm.expectRevert(abi.encodeWithSelector(CvmRecordCodec.UnconvertibleField.selector, i));
                h.readBytes32(record, i);
            }
        }
        // Every reader of another type refuses the field, naming it.
        if (tag != CvmRecordCodec.STRING) {
            vm.expectRevert(
                abi.encodeWithSelector(CvmRecordCodec.WrongFieldType.selector, i, CvmRecordCodec.STRING, tag)
            );
            h.readString(record, i);
        }
        if (tag != CvmRecordCodec.BOOLEAN) {
            vm.expectRevert(
                abi.encodeWithSelector(CvmRecordCodec.WrongFieldType.selector, i, CvmRecordCodec.BOOLEAN, tag)
            );
            h.readBool(record, i);
        }
    }

    /// @dev vm.parseAddress wants a checksummed or lower-case string; the vectors have mixed case on purpose.
    function _addr(string memory s) internal pure returns (address) {
        return address(bytes20(vm.parseBytes(s)));
    }

    function test_Revert_WhenTheJavaDecoderRefusesTheRecord() public {
        string[] memory bad = vm.parseJsonStringArray(json, ".malformed");
        assertGt(bad.length, 5);
        for (uint256 i; i < bad.length; ++i) {
            bytes memory record = vm.parseBytes(bad[i]);
            vm.expectRevert();
            h.fieldCount(record);
            vm.expectRevert();
            h.tag(record, 0);
        }
    }

    function test_Revert_WhenTheFieldIndexIsOutOfRange() public {
        bytes memory record = vm.parseJsonBytes(json, ".codec[1].record");
        vm.expectRevert(abi.encodeWithSelector(CvmRecordCodec.FieldOutOfRange.selector, 3, 3));
        h.tag(record, 3);
    }

    function test_Revert_WhenADecimalIsNotCanonical() public {
        // "007" and "-0": the Java encoder never writes them, so the reader refuses them.
        bytes memory leadingZero = abi.encodePacked(uint32(1), uint8(3), uint32(3), "007");
        vm.expectRevert(abi.encodeWithSelector(CvmRecordCodec.UnconvertibleField.selector, 0));
        h.readUint256(leadingZero, 0);
        bytes memory minusZero = abi.encodePacked(uint32(1), uint8(3), uint32(2), "-0");
        vm.expectRevert(abi.encodeWithSelector(CvmRecordCodec.UnconvertibleField.selector, 0));
        h.readInt256(minusZero, 0);
    }
}
