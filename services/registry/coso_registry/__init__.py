"""coso registry: who exists and who answers to whom.

Authorities (an effective-dated hierarchy), enterprises, party and mass organizations.
Publishes `registry.*` events; consumes nothing.
"""
