"""The application layer: the steps the CLI and the web app's jobs share (import → solve →
check → export bundle) and the demo school."""
