# A pystone-style loop: integer arithmetic, attribute access, calls, lists.
class Record:
    def __init__(self, a, b):
        self.a, self.b = a, b

def proc(rec, n):
    total = 0
    for i in range(n):
        rec.a = (rec.a * 3 + i) % 1000003
        rec.b = rec.a ^ (rec.b << 1) & 0xFFFF
        total += rec.b if i % 3 else -rec.a
    return total

arr = [Record(i, i * 2) for i in range(10)]
print(sum(proc(r, 60000) for r in arr))
