package io.kairos.jobtype.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SMTP server over TCP whose replies to RCPT and to the end of DATA come from a script,
 * for the 4xx and 5xx answers GreenMail does not give. Messages it accepts are kept.
 */
final class ScriptedSmtpServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Queue<String> rcptReplies = new ConcurrentLinkedQueue<>();
  private final Queue<String> dataReplies = new ConcurrentLinkedQueue<>();
  final List<String> accepted = new CopyOnWriteArrayList<>();
  final List<String> commands = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ScriptedSmtpServer() throws IOException {
    socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "scripted-smtp");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Replies to the next RCPT commands (default: 250). */
  ScriptedSmtpServer rcpt(String... replies) {
    rcptReplies.addAll(List.of(replies));
    return this;
  }

  /** Replies to the next message ends (default: 250). */
  ScriptedSmtpServer data(String... replies) {
    dataReplies.addAll(List.of(replies));
    return this;
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread t = new Thread(() -> converse(client), "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void converse(Socket client) {
    try (client;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream()) {
      send(out, "220 scripted ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        commands.add(line);
        String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
        switch (verb) {
          case "EHLO", "HELO" -> send(out, "250 scripted");
          case "MAIL" -> send(out, "250 sender ok");
          case "RCPT" -> send(out, next(rcptReplies, "250 recipient ok"));
          case "RSET", "NOOP" -> send(out, "250 ok");
          case "QUIT" -> {
            send(out, "221 bye");
            return;
          }
          case "DATA" -> {
            send(out, "354 go ahead");
            StringBuilder message = new StringBuilder();
            String data;
            while ((data = in.readLine()) != null && !data.equals(".")) {
              message.append(data).append("\r\n");
            }
            String reply = next(dataReplies, "250 queued");
            if (reply.startsWith("2")) {
              accepted.add(message.toString());
            }
            send(out, reply);
          }
          default -> send(out, "502 not implemented");
        }
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private static String next(Queue<String> script, String otherwise) {
    String reply = script.poll();
    return reply == null ? otherwise : reply;
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
