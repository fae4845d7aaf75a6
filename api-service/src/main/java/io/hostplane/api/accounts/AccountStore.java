package io.hostplane.api.accounts;

import io.hostplane.common.id.Ids;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenants (customer accounts) in {@code api.accounts}; an account's {@code name} is its {@code cname}. */
@Repository
public class AccountStore {

    public record Account(String id, String name) {}

    private final DatabaseClient db;

    AccountStore(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Account> findByName(String name) {
        return db.sql("select id, name from api.accounts where name = :name")
                .bind("name", name)
                .map((row, meta) -> new Account(row.get("id", String.class), row.get("name", String.class)))
                .one();
    }

    public Mono<Account> findById(String id) {
        return db.sql("select id, name from api.accounts where id = :id")
                .bind("id", id)
                .map((row, meta) -> new Account(row.get("id", String.class), row.get("name", String.class)))
                .one();
    }

    public Flux<Account> list(String after, int limit) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("select id, name from api.accounts"
                        + (after == null ? "" : " where id > :after") + " order by id limit :limit")
                .bind("limit", limit);
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> new Account(row.get("id", String.class), row.get("name", String.class)))
                .all();
    }

    public Mono<Account> create(String name) {
        Account account = new Account(Ids.prefixed("t"), name);
        return db.sql("insert into api.accounts (id, name) values (:id, :name)")
                .bind("id", account.id())
                .bind("name", account.name())
                .then()
                .thenReturn(account);
    }
}
