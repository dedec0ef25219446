"""The README's screenshots, from the entry point: it prepares a demo terminal (sample
catalog, demo clerks) for each language and size and hands it to the window's walk-through
(`counter_app.ui.screenshots.take`), which saves a PNG per step in docs/screenshots/<W>x<H>/.

    Xvfb :98 -screen 0 1920x1080x24 &
    DISPLAY=:98 .venv/bin/python -m counter_app.ops.screenshots [zh_CN|en|all] [WxH ...]

With no arguments: both languages at 1366x768 (a common hall screen) and 1920x1080.
`city` takes only the applicant step with the city lookup's offers (the demo's platform
running, and another window that served the applicant: `counter_app.ops.demo_city`).
"""

from __future__ import annotations

import sys

from counter_app.ops import demo

SIZES = ((1366, 768), (1920, 1080))
LANGS = ("zh_CN", "en")


def parse(argv: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Languages and sizes from the command line (both of each by default)."""
    langs = [a for a in argv if a in (*LANGS, "all")]
    sizes = [(int(w), int(h)) for w, h in (a.split("x") for a in argv if "x" in a)]
    chosen = list(LANGS) if not langs or "all" in langs else langs
    return chosen, sizes or list(SIZES)


def main(argv: list[str]) -> None:
    from counter_app.ui.screenshots import take  # Qt: only `counter_app.ui` imports it

    languages, sizes = parse(argv)
    if "city" in argv:
        return city(languages, sizes)
    for size in sizes:
        for lang in languages:
            prepared = demo.prepare(with_portal=False)
            try:
                take(lang, size, prepared.data_dir, prepared)
            finally:
                prepared.close()


def city(languages: list[str], sizes: list[tuple[int, int]]) -> None:
    from counter_app.ops.demo_city import served_at_window_3
    from counter_app.ui.screenshots import take_city

    for size in sizes:
        for lang in languages:
            prepared = demo.prepare(with_portal=True)
            try:
                served_at_window_3(prepared)
                take_city(lang, size, prepared.data_dir, prepared)
            finally:
                prepared.close()


if __name__ == "__main__":
    main(sys.argv[1:])
