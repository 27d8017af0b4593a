// JSON stringify and parse of 100k small objects.
const items = [];
for (let i = 0; i < 100000; i++) items.push({id: i, name: "item" + i, tags: ["a", "b"], price: i * 1.5, ok: i % 2 === 0});
const text = JSON.stringify(items);
const back = JSON.parse(text);
console.log(text.length, back.length, back[back.length - 1].name);
