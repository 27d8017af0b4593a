"""demo_javascript_session.py - stateful JavaScript, as the original's
examples/demo_javascript_session.py: _state with auto_persist_globals
survives a new sandbox object on the same session, and files stay in /app.

    build/venv/bin/python python/examples/demo_javascript_session.py
"""
from sandbox import RuntimeType, create_sandbox

sandbox = create_sandbox(runtime=RuntimeType.JAVASCRIPT, auto_persist_globals=True)
sandbox.execute("_state.cart = ['apple']; _state.total = 1.5")
sandbox.execute("_state.cart.push('pear'); _state.total += 2")
result = sandbox.execute("console.log(_state.cart.join('+'), _state.total)")
print("turn 3:", result.stdout.strip())

again = create_sandbox(runtime=RuntimeType.JAVASCRIPT, session_id=sandbox.session_id,
                       auto_persist_globals=True)
result = again.execute("writeText('/app/cart.txt', _state.cart.join('\\n')); console.log(_state.cart.length)")
print("new sandbox object, same session:", result.stdout.strip())
print("files:", again.execute("console.log(listFiles('/app').filter(n => !n.startsWith('.')).join(','))")
      .stdout.strip())
