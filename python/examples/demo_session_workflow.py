"""demo_session_workflow.py - a session's files from the host side, as the
original's examples/demo_session_workflow.py: the host writes an input,
the guest turns it into a report, the host reads and lists the results,
then deletes a file and the whole workspace.

    build/venv/bin/python python/examples/demo_session_workflow.py
"""
from sandbox import (RuntimeType, create_sandbox, delete_session_path, delete_session_workspace,
                     list_session_files, read_session_file, write_session_file)

sandbox = create_sandbox(runtime=RuntimeType.PYTHON)
sid = sandbox.session_id
write_session_file(sid, "input/sales.csv", "region,amount\nnord,10\nsüd,32\nnord,5\n")

result = sandbox.execute("""
import csv, json, os
totals = {}
with open('/app/input/sales.csv', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        totals[row['region']] = totals.get(row['region'], 0) + int(row['amount'])
os.makedirs('/app/output', exist_ok=True)
with open('/app/output/totals.json', 'w', encoding='utf-8') as f:
    json.dump(totals, f, ensure_ascii=False, sort_keys=True)
print('regions:', len(totals))
""")
print("guest:", result.stdout.strip(), "| created:", result.files_created)
print("host reads:", read_session_file(sid, "output/totals.json").decode())
print("listing:", list_session_files(sid))
delete_session_path(sid, "input/sales.csv")
print("after delete:", list_session_files(sid, pattern="*.csv"))
delete_session_workspace(sid)
print("after workspace delete:", list_session_files(sid))
