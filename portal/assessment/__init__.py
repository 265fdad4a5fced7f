"""Self-assessment and anonymous 360-degree input on BerAKHLAK behaviour (DOMAIN.md sections 5 and 6)."""
