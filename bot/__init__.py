"""The edges of faqbot: the command line and the Slack app, thin layers over ``faq``."""
