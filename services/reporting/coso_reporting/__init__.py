"""coso reporting: what the numbers are, per authority and rolled up the hierarchy.

Projects registry and admissions events into indicators (enterprises, proposed
candidates) per authority; later plans, targets and reports. Publishes nothing yet.
"""
