package io.kairos.api.ui;

import io.kairos.registry.ClusterOverview;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one core class with the dashboard's own queries (overview counts, nodes with their work). */
@Configuration(proxyBeanMethods = false)
class UiQueries {

  @Bean
  ClusterOverview clusterOverview(DataSource dataSource) {
    return new ClusterOverview(dataSource);
  }
}
