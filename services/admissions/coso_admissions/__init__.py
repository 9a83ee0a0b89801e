"""coso admissions: the road from promising worker to party member.

This slice holds candidates (quần chúng ưu tú) proposed in enterprises the registry knows.
Admissions learns enterprises and authorities only from the registry's events, which its
worker copies into lookup tables; it publishes `admissions.*` events.

Personal data is out of scope for now: a candidate carries no name, birth date or identity
number, only an optional `display_ref`, an opaque reference the proposing office uses for
its own file. A later issue adds personal data, encrypted per person (so that deleting the
key forgets the person while the statistics remain).
"""
