"""The service: finance officers submit project lists and get portfolios over HTTP."""
