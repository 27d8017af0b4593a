"""demo_javascript.py - the JavaScript runtime, one execution at a time, as
the original's examples/demo_javascript.py: modern syntax, JSON, the
injected file helpers, a vendored library, and an error as a result.

    build/venv/bin/python python/examples/demo_javascript.py
"""
from sandbox import RuntimeType, create_sandbox

sandbox = create_sandbox(runtime=RuntimeType.JAVASCRIPT)

result = sandbox.execute("const xs = [1, 2, 3].map(x => x * 2); console.log(xs.join(','))")
print("1. compute:", result.stdout.strip())

result = sandbox.execute("console.log(JSON.stringify({city: 'Zürich', temp: 21.5}))")
print("2. json:", result.stdout.strip())

result = sandbox.execute("writeText('/app/note.txt', 'héllo'); console.log(readText('/app/note.txt'))")
print("3. files:", result.stdout.strip(), "| created:", result.files_created)

result = sandbox.execute("const _ = requireVendor('lodash'); console.log(_.chunk([1, 2, 3, 4], 2).length)")
print("4. vendored lodash:", result.stdout.strip())

result = sandbox.execute("null.property")
print("5. error:", result.success, result.metadata["error_guidance"]["error_type"])
