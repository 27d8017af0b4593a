"""`python -m mcp_server`: run the MCP server (see mcp_server.main)."""
from . import main

main()
