-- The CNAME rule at acceptance keeps each zone's CNAMEs in memory for a moment and reads them again with this
-- index, whatever the size of the zone (docs/jobs.md, "What acceptance reads").
create index dns_records_cnames on dns_records (zone) where type = 'CNAME' and not deleted;
