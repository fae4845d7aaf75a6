-- Certificates uploaded with PUT /domains/{domain}/ssl, one row per upload; the newest whose job has not
-- failed is the domain's current one. Public facts only: the private key lives in ssl_private_keys.
create table ssl_certificates (
    id                  uuid primary key,                  -- UUIDv7: the newest upload sorts last
    tenant_id           text not null,
    domain              text not null references domains (name) on delete cascade,
    job_id              uuid not null,
    status              text not null,                     -- pending | installed | replaced
    subject             text not null,
    sans                text[] not null,
    issuer              text not null,
    not_before          timestamptz not null,
    not_after           timestamptz not null,
    fingerprint_sha256  text not null,
    serial              text not null,
    key_type            text not null,
    key_size            integer not null,
    warnings            jsonb not null default '[]',
    certificate         text not null,                     -- PEM, the leaf
    chain               text not null,                     -- PEM, zero or more certificates
    created_at          timestamptz not null default now(),
    installed_at        timestamptz
);
create index ssl_certificates_domain on ssl_certificates (domain, id desc);

-- The private keys, AES-256-GCM under hostplane.ssl.encryption-key (associated data: the certificate id).
-- Kept apart from ssl_certificates on purpose: this is the one api table a worker reads (to install the key),
-- so a deployment with one database role per service grants the worker's role SELECT on this table only.
-- Rows of certificates that were replaced, or whose install failed, are deleted by the next successful install.
create table ssl_private_keys (
    certificate_id  uuid primary key references ssl_certificates (id) on delete cascade,
    nonce           bytea not null,                        -- 96 bits, random per key
    ciphertext      bytea not null,                        -- PKCS#8 PEM, encrypted, with the GCM tag
    key_id          text not null,                         -- which encryption key sealed it (a hash, not the key)
    created_at      timestamptz not null default now()
);
