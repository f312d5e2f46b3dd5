"""Serve the app around the fake assistant (for UI development and as an e2e fallback).

Usage: python tests/e2e/fake_server.py PORT DATA_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

import uvicorn  # noqa: E402
from conftest import FakeAssistant, FakeOfficer  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from ui.api.app import create_app  # noqa: E402

if __name__ == "__main__":
    port, data_dir = int(sys.argv[1]), Path(sys.argv[2])
    settings = Settings(data_dir=data_dir)
    app = create_app(assistant=FakeAssistant(), settings=settings, officer_tools=FakeOfficer())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
