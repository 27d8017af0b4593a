// CSV aggregation as a model writes it: split + object + sort over 200k rows.
const REGIONS = ["north", "south", "east", "west", "centre"];
const PRODUCTS = ["widget", "gadget", "gizmo", "doohickey", "sprocket", "flange", "grommet"];

const lines = ["order_id,region,product,quantity,unit_price"];
let seed = 12345;
for (let i = 0; i < 200000; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  lines.push([i, REGIONS[seed % 5], PRODUCTS[seed % 7], 1 + seed % 20,
              (1 + (seed % 10000) / 100).toFixed(2)].join(","));
}
const text = lines.join("\n");

const totals = {};
const counts = {};
const rows = text.split("\n");
const header = rows[0].split(",");
for (let r = 1; r < rows.length; r++) {
  const cells = rows[r].split(",");
  const row = {};
  header.forEach((name, i) => { row[name] = cells[i]; });
  const key = row.region + "/" + row.product;
  totals[key] = (totals[key] || 0) + parseInt(row.quantity, 10) * parseFloat(row.unit_price);
  counts[key] = (counts[key] || 0) + 1;
}

const top = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 5);
for (const [key, revenue] of top)
  console.log(key.padEnd(18), revenue.toFixed(2).padStart(12), String(counts[key]).padStart(6));
