// A regex workload: matchAll, replace and test over generated log lines.
const lines = [];
for (let i = 0; i < 30000; i++) lines.push(`2024-01-${i % 28 + 1} 12:${i % 60}:00 user${i % 97} GET /api/v1/items/${i} 200 ${i % 500}ms`);
const text = lines.join("\n");
const pat = /user(\d+) GET (\/api\/v1\/items\/(\d+)) (\d{3}) (\d+)ms/g;
let hits = 0; for (const m of text.matchAll(pat)) hits++;
const masked = text.replace(/user\d+/g, "user?");
let slow = 0; for (const l of lines) if (/ [4-9]\d\dms$/.test(l)) slow++;
console.log(hits, masked.length, slow);
