"""Need-to-know access around a case: intervention-partner registrations and their view, who can
read a case and why, explicit grants, and the data-subject (AVG) export. Tested in tests/access/.

The permission engine itself is `cases.permissions` (docs/access.md)."""
