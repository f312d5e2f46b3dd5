from assistant.app import serving_settings
from assistant.settings import Settings


def test_answering_uses_one_torch_thread_unless_configured() -> None:
    assert serving_settings(Settings(_env_file=None)).embedder.threads == 1
    configured = Settings(_env_file=None, embedder={"threads": 2})
    assert serving_settings(configured).embedder.threads == 2
