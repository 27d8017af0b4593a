"""hello.py - the original README's Hello World, in both languages.

    build/venv/bin/python python/examples/hello.py
Sessions go to ./workspace, as in the original.
"""
from sandbox import RuntimeType, create_sandbox

sandbox = create_sandbox(runtime=RuntimeType.PYTHON)
result = sandbox.execute("print('Hello from WASM!')")
print(result.stdout, end="")  # Hello from WASM!

sandbox = create_sandbox(runtime=RuntimeType.JAVASCRIPT)
result = sandbox.execute("console.log('Hello from QuickJS!')")
print(result.stdout, end="")  # Hello from QuickJS!

result = create_sandbox().execute("1/0")
print("success:", result.success, "| error:", result.metadata["error_guidance"]["error_type"])
print("fuel:", result.metadata["fuel_analysis"]["status"])
