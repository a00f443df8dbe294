package io.kairos.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TestDatabasesTests {

  @Test
  void eachCallGivesAnEmptyDatabaseOfItsOwnOnARealPostgres() throws Exception {
    TestDatabases.TestDatabase first = TestDatabases.newDatabase();
    TestDatabases.TestDatabase second = TestDatabases.newDatabase();
    assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl());

    DataSource ds = first.dataSource(2);
    try (Connection c = ds.getConnection()) {
      c.createStatement().execute("create table marker(id int)");
      ResultSet rs = c.createStatement().executeQuery("select version()");
      rs.next();
      assertThat(rs.getString(1)).startsWith("PostgreSQL");
    }
    try (Connection c = second.dataSource(2).getConnection()) {
      ResultSet rs =
          c.createStatement()
              .executeQuery(
                  "select count(*) from information_schema.tables where table_name = 'marker'");
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }
}
