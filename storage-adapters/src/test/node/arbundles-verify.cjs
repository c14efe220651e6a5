// Independent check of our ANS-104 data items: arbundles parses and verifies the data item in argv[2]; prints JSON
// for DataItemTest.
const fs = require("fs");
const { DataItem } = require("arbundles");

(async () => {
  const item = new DataItem(fs.readFileSync(process.argv[2]));
  const valid = await DataItem.verify(item.getRaw());
  process.stdout.write(
    JSON.stringify({
      valid,
      id: item.id,
      signatureType: item.signatureType,
      tags: item.tags.map((t) => [t.name, t.value]),
      anchor: item.anchor,
      dataLength: item.rawData.length,
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
