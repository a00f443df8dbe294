package io.kairos.worker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kairos.node.NodeStore;
import io.kairos.node.WorkerNode;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.WorkerApplication;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.context.ConfigurableApplicationContext;

/** Worker start-up against a real PostgreSQL: one live node per name, actuator on loopback. */
class WorkerNodeTests {

  TestDatabases.TestDatabase db;
  final List<ConfigurableApplicationContext> workers = new ArrayList<>();

  @BeforeEach
  void database() {
    db = TestDatabases.newDatabase();
  }

  @AfterEach
  void stop() {
    workers.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void aSecondWorkerWithALiveWorkersNodeNameRefusesToStartNamingThePropertyAndTheLiveNode() {
    start("--kairos.worker.node-name=twin");

    assertThatThrownBy(() -> start("--kairos.worker.node-name=twin"))
        .rootCause()
        .hasMessageContaining("kairos.worker.node-name must be unique")
        .hasMessageContaining("node 'twin' is held by a live worker (host ")
        .hasMessageContaining("pid " + ProcessHandle.current().pid())
        .hasMessageContaining("last seen");

    // The first worker is still the one registered, and still running.
    WorkerNode node =
        new NodeStore(db.dataSource(), KairosSchema.DEFAULT).find("twin").orElseThrow();
    assertThat(node.state()).isEqualTo(WorkerNode.State.RUNNING);
    assertThat(workers.get(0).isRunning()).isTrue();

    // Once it stopped, the name is free again.
    workers.remove(0).close();
    start("--kairos.worker.node-name=twin");
    assertThat(
            new NodeStore(db.dataSource(), KairosSchema.DEFAULT).find("twin").orElseThrow().state())
        .isEqualTo(WorkerNode.State.RUNNING);
  }

  @Test
  void actuatorListensOnLoopbackUnlessAnAddressIsConfigured() throws Exception {
    ConfigurableApplicationContext worker = start("--kairos.worker.node-name=local-only");
    assertThat(boundAddress(worker)).isEqualTo("127.0.0.1");
    int port = port(worker);
    assertThat(connects(InetAddress.getLoopbackAddress(), port)).isTrue();
    Optional<InetAddress> external = nonLoopbackAddress();
    if (external.isPresent()) {
      assertThat(connects(external.get(), port)).as(external.get().toString()).isFalse();
    }
    worker.close();
    workers.remove(worker);

    ConfigurableApplicationContext open =
        start("--kairos.worker.node-name=scraped", "--server.address=0.0.0.0");
    assertThat(boundAddress(open)).isEqualTo("0.0.0.0");
    if (external.isPresent()) {
      assertThat(connects(external.get(), port(open))).isTrue();
    }
  }

  private ConfigurableApplicationContext start(String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + db.jdbcUrl());
    args.add("--spring.datasource.username=" + db.user());
    args.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    args.add("--server.port=0");
    args.add("--kairos.housekeeping.enabled=false");
    args.addAll(List.of(extra));
    ConfigurableApplicationContext context =
        WorkerApplication.application().run(args.toArray(String[]::new));
    workers.add(context);
    return context;
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private static String boundAddress(ConfigurableApplicationContext context) {
    TomcatWebServer server =
        (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
    Object address = server.getTomcat().getConnector().getProperty("address");
    return address instanceof InetAddress a ? a.getHostAddress() : String.valueOf(address);
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
