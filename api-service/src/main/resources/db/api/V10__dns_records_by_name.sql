-- The CNAME rule reads a zone's applied records by name before each change is accepted; without this index
-- that read scanned every record of the zone, and acceptance slowed as zones grew.
create index dns_records_zone_name on dns_records (zone, name);
