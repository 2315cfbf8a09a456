"""python -m bench: the same as `faqbot bench`."""

from bot.cli import bench

bench(prog_name="python -m bench")
