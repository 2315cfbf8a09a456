"""python -m bench: the same as `faqbot bench`."""

from bot.cli import main

main(["bench", *__import__("sys").argv[1:]])
