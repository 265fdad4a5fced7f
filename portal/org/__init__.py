"""Organisation: units, positions, employees, reference data, org chart."""
