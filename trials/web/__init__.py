"""The public study finder: server-rendered pages that work without JavaScript."""
