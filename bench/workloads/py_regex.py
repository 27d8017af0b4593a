# A regex workload: findall, sub and match over generated log lines.
import re
lines = ["2024-01-%02d 12:%02d:%02d user%d GET /api/v1/items/%d 200 %dms" % (
    i % 28 + 1, i % 60, (i * 7) % 60, i % 97, i, i % 500) for i in range(60000)]
text = "\n".join(lines)
pat = re.compile(r"user(\d+) GET (/api/v1/items/(\d+)) (\d{3}) (\d+)ms")
hits = pat.findall(text)
masked = re.sub(r"user\d+", "user?", text)
slow = sum(1 for l in lines if re.search(r" [4-9]\d\dms$", l))
print(len(hits), len(masked), slow)
