package io.kairos.registry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The DataSource db-scheduler must write through. Inside a Spring transaction it hands out that
 * transaction's connection, like {@link TransactionAwareDataSourceProxy}, and in addition ignores
 * {@code commit()} and {@code rollback()} on it: db-scheduler's own repository commits after every
 * statement when auto-commit is off, which would commit a history row before db-scheduler checked
 * the execution's version. With this, the whole completion commits once, or not at all.
 */
public final class TransactionJoiningDataSource extends TransactionAwareDataSourceProxy {

  public TransactionJoiningDataSource(DataSource target) {
    super(target);
  }

  @Override
  protected Connection getTransactionAwareConnectionProxy(DataSource target) {
    Connection connection = DataSourceUtils.getConnection(target);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new Handler(connection, target));
  }

  private record Handler(Connection connection, DataSource target) implements InvocationHandler {

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      boolean transactional = DataSourceUtils.isConnectionTransactional(connection, target);
      switch (method.getName()) {
        case "close":
          DataSourceUtils.releaseConnection(connection, target);
          return null;
        case "commit":
        case "rollback":
          if (transactional && (args == null || args.length == 0)) {
            return null; // the surrounding Spring transaction decides
          }
          break;
        case "unwrap":
          if (((Class<?>) args[0]).isInstance(proxy)) {
            return proxy;
          }
          break;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          break;
      }
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getTargetException();
      }
    }
  }
}
