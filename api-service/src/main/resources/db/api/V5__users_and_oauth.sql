-- People who sign in to approve OAuth requests, and the OAuth device-authorization requests themselves.

create table users (
    id             text primary key,
    tenant_id      text not null references accounts (id),
    username       text not null unique,                 -- unique across tenants: the sign-in form asks no tenant
    password_hash  text not null,                        -- {bcrypt}…; never the password
    scopes         text[] not null,                      -- the most this user may grant to an app
    created_at     timestamptz not null default now(),
    created_by     text                                  -- token id
);
create index users_tenant on users (tenant_id, id);

-- Tokens issued through the device flow are kind 'oauth' and remember who approved them and for which request.
alter table tokens
    add column kind              text not null default 'api',
    add column user_id           text,
    add column oauth_request_id  text;
create index tokens_user on tokens (user_id) where user_id is not null;

create table oauth_requests (
    id                 text primary key,                 -- appears in the redirect URL shown to the user
    verify_token_hash  bytea not null unique,            -- peppered hash; the app alone holds the verify token
    app_name           text not null,
    app_url_homepage   text,
    app_url_return     text,
    scopes             text[] not null,
    status             text not null default 'pending',  -- pending | approved | denied (expiry is read off expires_at)
    interval_seconds   integer not null,
    last_poll_at       timestamptz,
    created_at         timestamptz not null default now(),
    expires_at         timestamptz not null,
    decided_at         timestamptz,
    user_id            text,
    tenant_id          text references accounts (id),
    token_id           text,                             -- set once the token has been handed to the app
    client_ip          text
);
