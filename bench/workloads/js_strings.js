// String building and formatting: templates, padding, join, replace, split.
const lines = [];
for (let i = 0; i < 150000; i++) {
  const name = "user_" + String(i).padStart(5, "0");
  const score = ((i * 7919) % 1000) / 10;
  const flag = i % 3 === 0 ? "yes" : "no";
  const line = `${name.padEnd(12)}|${score.toFixed(2).padStart(8)}|0x${i.toString(16)}|${flag.padStart(flag.length + ((5 - flag.length) >> 1)).padEnd(5)}`;
  lines.push(line.replaceAll("|", " | ").toUpperCase());
}
const report = lines.join("\n");
const words = report.split(/\s+/).filter((w) => w !== "");
console.log(report.length, words.length, lines[lines.length - 1]);
