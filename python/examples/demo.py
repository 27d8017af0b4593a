"""demo.py - a tour of the Python runtime, as the original's examples/demo.py:
a computation, non-ASCII output, files in /app, a vendored package, a
guest error with its guidance, and a runaway loop stopped by fuel.

    build/venv/bin/python python/examples/demo.py
"""
from sandbox import ExecutionPolicy, RuntimeType, create_sandbox

sandbox = create_sandbox(runtime=RuntimeType.PYTHON)

result = sandbox.execute("print(sum(i * i for i in range(1000)))")
print("1. compute:", result.stdout.strip(), "| success:", result.success)

result = sandbox.execute("print('café ☕ 日本')")
print("2. unicode:", result.stdout.strip())

result = sandbox.execute("open('/app/report.csv', 'w').write('name,score\\nAda,3\\n')\n"
                         "print(open('/app/report.csv').read().splitlines()[1])")
print("3. files:", result.stdout.strip(), "| created:", result.files_created)

result = sandbox.execute("from tabulate import tabulate\n"
                         "print(tabulate([['Ada', 3]], headers=['name', 'score'], tablefmt='plain'))")
print("4. vendored package:", result.stdout.splitlines()[-1].split())

result = sandbox.execute("{}['missing']")
guidance = result.metadata["error_guidance"]
print("5. error:", result.success, guidance["error_type"], "| guidance given:",
      bool(guidance["actionable_guidance"]))

tight = create_sandbox(runtime=RuntimeType.PYTHON, policy=ExecutionPolicy(fuel_budget=50_000_000))
result = tight.execute("while True:\n    pass")
print("6. runaway loop:", result.success, result.metadata["fuel_analysis"]["status"])
