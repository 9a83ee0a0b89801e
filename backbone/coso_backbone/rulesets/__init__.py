"""Rule sets: the regulatory numbers each service applies, per authority and effective date.

`precedence` decides which value is in force (plain Python, no I/O: services' domains use it);
`records` keeps the rule sets in the `rule_sets` table, written in the same transaction as the
`RulesAdopted` event that adopts one (`adopt`) or as the checkpoint of the consumer that
receives one from a superior's stack (`received_rules_handlers`); `lineage` gives the
authorities whose sets cover one. The use case, the same on every service that keeps rule sets:
`commands` (adopt rules, the rules of an authority), `application` (`RuleSets`, subclassed with
the service's contract and rule book), `guarded` (an editor adopts, a viewer asks),
`endpoints` (`POST /rules`, `GET /rules`), `routes` (their OpenAPI declarations) and
`commandline` (`adopt-rules`, `rules`).
"""
