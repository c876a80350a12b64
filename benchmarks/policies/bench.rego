# The benchmark's three policies in Rego (OPA 1.x syntax). data.groups holds the region
# groups, data.all the country codes; the input is a consentrules snapshot.
package bench

import rego.v1

targets := {c | some c in data.groups.EEA} | {"GB", "CH"}

expand(term) := data.groups[term] if data.groups[term]

expand(term) := [term] if not data.groups[term]

regions(terms) := {c | some t in terms; some c in expand(t)}

p1 contains s.id if {
	some s in input.settings
	s["default"] == true
	some p in s.purposes
	p in {"ai_training", "third_party_sharing"}
}

p2 contains s.id if {
	some s in input.settings
	s["default"] == true
	"ai_training" in s.purposes
	applies := regions(s.regions.include) - regions(object.get(s.regions, "exclude", []))
	count(applies & targets) > 0
}

disclosed := [[p, time.parse_ns("2006-01-02", v.published_at)] |
	some d in input.disclosures
	d.kind == "privacy_policy"
	some v in d.versions
	some p in v.purposes
]

disclosed_purposes := {entry[0] | some entry in disclosed}

first_disclosed[p] := first if {
	some p in disclosed_purposes
	days := {ns | some [q, ns] in disclosed; q == p}
	first := min(days)
}

late(s, p) if not first_disclosed[p]

late(s, p) if {
	deadline := time.add_date(time.parse_ns("2006-01-02", s.activated_at), 0, 0, -30)
	first_disclosed[p] > deadline
}

p3 contains s.id if {
	some s in input.settings
	some p in s.purposes
	late(s, p)
}

violations := {"P1": p1, "P2": p2, "P3": p3}
