"""Who counts as a shopper, on what device, and a queue that never holds a page up."""

from __future__ import annotations

import asyncio
import datetime

import pytest

from storefront.metrics.events import DESKTOP, PHONE, TABLET, device_of, is_bot
from storefront.metrics.recorder import EventRecorder, PendingEvent

AGENTS = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148": PHONE,
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 Chrome/118.0 Mobile Safari/537.36"
    " XWEB/1300289 MMWEBSDK/20240404 MicroMessenger/8.0.49": PHONE,
    "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 Mobile Safari/537.36": PHONE,
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148": TABLET,
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 Chrome/120.0 Safari/537.36": TABLET,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36": DESKTOP,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15": DESKTOP,
}


@pytest.mark.parametrize(("agent", "device"), AGENTS.items())
def test_device_classes(agent, device):
    assert device_of(agent) == device
    assert not is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
        "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "kube-probe/1.29",
        "ELB-HealthChecker/2.0",
        "curl/8.5.0",
        "python-httpx/0.27.0",
        "",
    ],
)
def test_crawlers_monitors_and_scripts_are_not_shoppers(agent):
    assert is_bot(agent)


def test_a_phone_whose_model_ends_in_bot_is_a_shopper():
    assert not is_bot("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 Mobile Safari/537.36")


def _event() -> PendingEvent:
    now = datetime.datetime.now(datetime.UTC)
    return PendingEvent(kind="page_view", at=now, county_id=1, county_slug="x")


def test_a_full_queue_drops_and_counts_without_blocking():
    recorder = EventRecorder(capacity=3)
    for _ in range(5):
        recorder.put(_event())  # no await: a page never waits for the queue
    assert (recorder.waiting, recorder.dropped) == (3, 2)


class _Writes(EventRecorder):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.batches: list[int] = []

    async def _write(self, batch) -> None:
        self.batches.append(len(batch))


async def test_batches_go_when_full_or_when_the_interval_is_up():
    recorder = _Writes(batch_size=3, interval=60)
    recorder._bind()
    task = asyncio.create_task(recorder.run())
    for _ in range(7):
        recorder.put(_event())
    await asyncio.sleep(0.05)
    assert recorder.batches == [3, 3, 1]  # full at once: not waiting the 60 s
    fast = _Writes(batch_size=100, interval=0.05)
    fast._bind()
    fast_task = asyncio.create_task(fast.run())
    fast.put(_event())
    await asyncio.sleep(0.01)
    assert fast.batches == []
    await asyncio.sleep(0.1)
    assert fast.batches == [1]
    await recorder.stop(task)
    await fast.stop(fast_task)


async def test_a_failed_write_keeps_the_batch_for_the_next_turn():
    class Flaky(_Writes):
        failures = 1

        async def _write(self, batch) -> None:
            if self.failures:
                self.failures -= 1
                raise OSError("database away")
            await super()._write(batch)

    recorder = Flaky(batch_size=10)
    recorder._bind()
    for _ in range(4):
        recorder.put(_event())
    with pytest.raises(OSError, match="away"):
        await recorder.flush()
    assert recorder.waiting == 4
    await recorder.flush()
    assert (recorder.batches, recorder.waiting) == ([4], 0)
