-- The local SSL backend's record of which certificate each domain has (no files, no key).
create table local_certificates (
    domain              text primary key,
    certificate_id      uuid not null,
    fingerprint_sha256  text not null,
    installed_at        timestamptz not null default now()
);
