"""coso admissions: the road from promising worker to party member.

Candidates (quần chúng ưu tú) proposed in enterprises the registry knows go through every
stage of the admission pipeline (domain/candidate.py), with deadlines counted in working days
on Vietnam's calendar under rules configured per authority and effective date. Admissions
learns enterprises and authorities only from the registry's events, which its worker copies
into lookup tables; it publishes `admissions.*` events.

Personal data (name, birth date, national ID …) is sealed per person with envelope
encryption and travels in events only as ciphertext; erasing a person destroys their key,
so their fields read as erased everywhere while counts and statistics remain.
"""
