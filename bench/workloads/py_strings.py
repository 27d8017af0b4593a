# String building and formatting: f-strings, format specs, join, replace, split.
lines = []
for i in range(150000):
    name = "user_%05d" % i
    score = (i * 7919) % 1000 / 10
    line = f"{name:<12}|{score:>8.2f}|{i:#x}|{'yes' if i % 3 == 0 else 'no':^5}"
    lines.append(line.replace("|", " | ").upper())
report = "\n".join(lines)
words = report.split()
print(len(report), len(words), lines[-1])
