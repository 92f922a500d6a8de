"""The demo's settings, plus the bare view the step pages are measured against (bench/urls.py)
and the server's own timing of every request (bench/middleware.py), outermost."""

from onboarding.settings.demo import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.server_timing", *MIDDLEWARE]  # noqa: F405

# the queue fan-out bench (bench/fanout.py) keeps its groups apart from anything else on Redis
if CHANNEL_LAYERS["default"]["BACKEND"].endswith("RedisChannelLayer"):  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = env.str(  # noqa: F405
        "BENCH_CHANNEL_PREFIX", default="asgi"
    )
