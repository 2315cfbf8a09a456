"""`faqbot bench`: answer quality, speed and the Slack endpoint, side by side with baselines."""
