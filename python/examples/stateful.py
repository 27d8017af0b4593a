"""stateful.py - the original README's multi-turn sessions (auto-persist and files).

    build/venv/bin/python python/examples/stateful.py
"""
from sandbox import RuntimeType, create_sandbox

# Option 1: automatic global variable persistence.
sandbox = create_sandbox(runtime=RuntimeType.PYTHON, auto_persist_globals=True)
sandbox.execute('users = ["Alice", "Bob"]\ncount = len(users)\nprint(f"Initialized: {users}")')
result = sandbox.execute('users.append("Charlie")\ncount = len(users)\nprint(f"Updated: {users}, count={count}")')
print(result.stdout, end="")  # Updated: ['Alice', 'Bob', 'Charlie'], count=3

# JavaScript keeps the _state object.
js = create_sandbox(runtime=RuntimeType.JAVASCRIPT, auto_persist_globals=True)
js.execute("_state.visits = 1")
print(js.execute("_state.visits += 1; console.log('visits:', _state.visits)").stdout, end="")  # visits: 2

# Option 2: manual file persistence, with a second sandbox on the same session.
sandbox = create_sandbox(runtime=RuntimeType.PYTHON)
session_id = sandbox.session_id
sandbox.execute('import json\nwith open("/app/data.json", "w") as f:\n'
                '    json.dump({"users": ["Alice", "Bob"], "count": 2}, f)\nprint("Data saved")')
sandbox = create_sandbox(session_id=session_id, runtime=RuntimeType.PYTHON)
result = sandbox.execute('import json\nwith open("/app/data.json") as f:\n    data = json.load(f)\n'
                         'data["users"].append("Charlie")\ndata["count"] = len(data["users"])\n'
                         'print(f"Updated: {data}")')
print(result.stdout, end="")  # Updated: {'users': ['Alice', 'Bob', 'Charlie'], 'count': 3}
