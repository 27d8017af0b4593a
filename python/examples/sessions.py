"""sessions.py - the original README's session management API.

    build/venv/bin/python python/examples/sessions.py
"""
from sandbox import (RuntimeType, create_sandbox, delete_session_workspace, list_session_files, prune_sessions,
                     read_session_file, write_session_file)

sandbox = create_sandbox(runtime=RuntimeType.PYTHON)
write_session_file(sandbox.session_id, "data.json", '{"key": "value"}')
sandbox.execute("open('/app/report.txt', 'w').write(open('/app/data.json').read().upper())")
print(list_session_files(sandbox.session_id))  # ['data.json', 'report.txt']
print(read_session_file(sandbox.session_id, "report.txt").decode())  # {"KEY": "VALUE"}

result = prune_sessions(older_than_hours=7 * 24, dry_run=True)
print(result)  # Would prune 0 sessions, reclaimed 0 B (this one is new)

delete_session_workspace(sandbox.session_id)
print(list_session_files(sandbox.session_id))  # []
