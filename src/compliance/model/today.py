"""Today's date as the contracts count it: the Beijing date (Asia/Shanghai), whatever the
machine's time zone. A statement judged "as of today" is the same at 07:00 in Beijing on a
server set to UTC (still yesterday there) as on one set to Asia/Shanghai."""
from __future__ import annotations

from datetime import date

import pendulum

BEIJING = "Asia/Shanghai"


def beijing_today() -> date:
    """The current date in Beijing."""
    now = pendulum.now(BEIJING)
    return date(now.year, now.month, now.day)
