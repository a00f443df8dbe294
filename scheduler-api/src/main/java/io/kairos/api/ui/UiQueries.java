package io.kairos.api.ui;

import io.kairos.core.Kairos;
import io.kairos.registry.AttemptTimelineStore;
import io.kairos.registry.ClusterOverviewStore;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The core's stores of the dashboard's own queries (overview counts, nodes with their work, the
 * attempts timeline).
 */
@Configuration(proxyBeanMethods = false)
class UiQueries {

  @Bean
  ClusterOverviewStore clusterOverview(Kairos kairos) {
    return kairos.overview();
  }

  @Bean
  AttemptTimelineStore attemptTimeline(DataSource dataSource, Kairos kairos) {
    return new AttemptTimelineStore(dataSource, kairos.schema());
  }
}
