package io.hostplane.api.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Counts the statements an application runs: every {@code DatabaseClient.sql(…)} of a context that imports this
 * configuration ({@code @Import(CountedStatements.class)}; every repository goes through the one client), kept with
 * its text so that a test counts all of them or those of one kind.
 */
@TestConfiguration
public class CountedStatements {

    private static final List<String> STATEMENTS = new ArrayList<>();

    /** How many statements have been run so far. */
    public static int all() {
        return matching(sql -> true);
    }

    /** How many of the statements run so far {@code sql} selects (a statement given as a supplier has no text). */
    public static int matching(Predicate<String> sql) {
        synchronized (STATEMENTS) {
            return (int) STATEMENTS.stream().filter(sql).count();
        }
    }

    @Bean
    static BeanPostProcessor countStatements() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof DatabaseClient target) || Proxy.isProxyClass(bean.getClass())) {
                    return bean;
                }
                return Proxy.newProxyInstance(
                        DatabaseClient.class.getClassLoader(), new Class<?>[] {DatabaseClient.class}, (p, m, a) -> {
                            if (m.getName().equals("sql")) {
                                synchronized (STATEMENTS) {
                                    STATEMENTS.add(a[0] instanceof String sql ? sql : "");
                                }
                            }
                            try {
                                return m.invoke(target, a);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }
}
