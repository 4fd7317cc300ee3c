"""`make run` signs the local Stripe sandbox's webhooks with a new secret each time it starts."""

from __future__ import annotations

import re

from tests.support.make import make_run_commands


def _webhook_secrets_of_one_run() -> tuple[str, str]:
    """The secrets `make run` would give the sandbox (signing) and the app (verifying), read from
    the commands `make -n` prints without running them."""
    printed = make_run_commands()
    signing = re.search(r"--webhook-secret (\S+)", printed)
    verifying = re.search(r"STRIPE_WEBHOOK_SECRET=(\S+)", printed)
    assert signing and verifying, printed
    return signing[1], verifying[1]


def test_each_make_run_gives_the_sandbox_and_the_app_one_new_webhook_secret():
    first, second = _webhook_secrets_of_one_run(), _webhook_secrets_of_one_run()
    for signing, verifying in (first, second):
        assert signing == verifying
        assert re.fullmatch(r"whsec_[0-9a-f]{48}", signing)
    assert first[0] != second[0]
