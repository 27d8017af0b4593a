# CSV aggregation as a model writes it: csv + dict + sorted over 200k rows.
import csv
import io

REGIONS = ["north", "south", "east", "west", "centre"]
PRODUCTS = ["widget", "gadget", "gizmo", "doohickey", "sprocket", "flange", "grommet"]

buf = io.StringIO()
writer = csv.writer(buf)
writer.writerow(["order_id", "region", "product", "quantity", "unit_price"])
seed = 12345
for i in range(200000):
    seed = (seed * 1103515245 + 12345) % 2147483648
    writer.writerow([i, REGIONS[seed % 5], PRODUCTS[seed % 7], 1 + seed % 20,
                     "%.2f" % (1 + (seed % 10000) / 100)])

totals = {}
counts = {}
for row in csv.DictReader(io.StringIO(buf.getvalue())):
    key = (row["region"], row["product"])
    totals[key] = totals.get(key, 0.0) + int(row["quantity"]) * float(row["unit_price"])
    counts[key] = counts.get(key, 0) + 1

top = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:5]
for (region, product), revenue in top:
    print("%-6s %-10s %12.2f %6d" % (region, product, revenue, counts[(region, product)]))
