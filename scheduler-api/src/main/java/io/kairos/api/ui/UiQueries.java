package io.kairos.api.ui;

import io.kairos.core.Kairos;
import io.kairos.registry.ClusterOverviewStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The core's store of the dashboard's own queries (overview counts, nodes with their work). */
@Configuration(proxyBeanMethods = false)
class UiQueries {

  @Bean
  ClusterOverviewStore clusterOverview(Kairos kairos) {
    return kairos.overview();
  }
}
