# json dumps and loads of 100k small objects.
import json
items = [{"id": i, "name": "item%d" % i, "tags": ["a", "b"], "price": i * 1.5, "ok": i % 2 == 0}
         for i in range(100000)]
text = json.dumps(items)
back = json.loads(text)
print(len(text), len(back), back[-1]["name"])
